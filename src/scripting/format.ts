/** C's printf "%.<precision>g" for a double, as Redis's Lua libraries and EVAL arguments print numbers. */
export function formatG(n: number, precision: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expText] = n.toExponential(precision - 1).split('e') as [string, string];
  const exp = Number(expText);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= precision) {
    return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return strip(n.toFixed(Math.max(0, precision - 1 - exp)));
}

/** "%.17g", which Redis uses for a Lua number passed to redis.call. */
export function formatG17(n: number): string {
  return formatG(n, 17);
}
