/**
 * Where commands write their replies. The command layer only sees this interface, so the
 * same commands can answer a socket (RespWriter) or an in-process caller.
 *
 * Strings are latin1 (one char per byte): lengths are byte lengths.
 */
export interface Reply {
  readonly resp: 2 | 3;
  ok(): void;
  simple(text: string): void;
  /** `message` starts with the error code, e.g. "ERR syntax error" or "WRONGTYPE ...". */
  error(message: string): void;
  /** An integer, or its decimal text when the caller already has it (INCR). */
  integer(n: number | bigint | string): void;
  bulk(value: string): void;
  /** Null bulk string (RESP2 $-1, RESP3 _). */
  nil(): void;
  /** Null array (RESP2 *-1, RESP3 _). */
  nilArray(): void;
  array(length: number): void;
  /** A map of `pairs` key/value pairs (RESP2: a flat array). */
  map(pairs: number): void;
  /** An unordered set (RESP2: an array). */
  set(length: number): void;
  /** A double; `text` is its formatting when the command prints it its own way (GEOPOS's "%.17Lf"). */
  double(value: number, text?: string): void;
  boolean(value: boolean): void;
  /** Verbatim text (RESP3 `=`), a bulk string in RESP2. `format` is three chars, e.g. "txt". */
  verbatim(text: string, format: string): void;
  push(length: number): void;
}

const OK = '+OK\r\n';
/**
 * "$<n>\r\n" for the bulk lengths most replies have: building it per reply took a
 * number-to-string conversion and two small string allocations.
 */
const BULK_HEADERS: string[] = Array.from({ length: 1024 }, (_, n) => `$${n}\r\n`);
const NIL2 = '$-1\r\n';
const NILARRAY2 = '*-1\r\n';
const NULL3 = '_\r\n';

export class RespWriter implements Reply {
  /** Replies not yet written to the socket. */
  out = '';
  resp: 2 | 3 = 2;
  errors = 0;
  /** Told of every error reply, for INFO errorstats. */
  onError: ((message: string) => void) | null = null;

  mark(): number {
    return this.out.length;
  }

  rewind(mark: number): void {
    this.out = this.out.slice(0, mark);
  }

  rawWrite(text: string): void {
    this.out += text;
  }

  take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  ok(): void {
    this.out += OK;
  }

  simple(text: string): void {
    this.out += '+' + text + '\r\n';
  }

  error(message: string): void {
    this.errors++;
    // A newline inside an error would break the protocol; Redis maps them to spaces.
    if (message.includes('\n') || message.includes('\r')) message = message.replace(/[\r\n]/g, ' ');
    if (this.onError !== null) this.onError(message);
    this.out += '-' + message + '\r\n';
  }

  integer(n: number | bigint | string): void {
    this.out += ':' + n + '\r\n';
  }

  bulk(value: string): void {
    const n = value.length;
    this.out += (n < BULK_HEADERS.length ? BULK_HEADERS[n]! : '$' + n + '\r\n') + value + '\r\n';
  }

  nil(): void {
    this.out += this.resp === 2 ? NIL2 : NULL3;
  }

  nilArray(): void {
    this.out += this.resp === 2 ? NILARRAY2 : NULL3;
  }

  array(length: number): void {
    this.out += '*' + length + '\r\n';
  }

  map(pairs: number): void {
    this.out += this.resp === 2 ? '*' + pairs * 2 + '\r\n' : '%' + pairs + '\r\n';
  }

  set(length: number): void {
    this.out += (this.resp === 2 ? '*' : '~') + length + '\r\n';
  }

  double(value: number, formatted?: string): void {
    const text = formatted ?? formatDouble(value);
    if (this.resp === 2) this.bulk(text);
    else this.out += ',' + text + '\r\n';
  }

  boolean(value: boolean): void {
    if (this.resp === 2) this.out += value ? ':1\r\n' : ':0\r\n';
    else this.out += value ? '#t\r\n' : '#f\r\n';
  }

  verbatim(text: string, format: string): void {
    if (this.resp === 2) this.bulk(text);
    else this.out += '=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n';
  }

  push(length: number): void {
    this.out += (this.resp === 2 ? '*' : '>') + length + '\r\n';
  }
}

/**
 * printf("%.17g"), which Redis 7.0 uses for doubles in replies (ZSCORE, RESP3 doubles):
 * 17 significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e17.
 */
export function formatDouble(value: number): string {
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isNaN(value)) return 'nan';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const exponential = value.toExponential(16);
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  if (exponent < -4 || exponent >= 17) {
    let mantissa = exponential.slice(0, e);
    if (mantissa.includes('.')) mantissa = mantissa.replace(/\.?0+$/, '');
    const sign = exponent < 0 ? '-' : '+';
    const digits = Math.abs(exponent);
    return mantissa + 'e' + sign + (digits < 10 ? '0' + digits : String(digits));
  }
  let fixed = value.toFixed(16 - exponent);
  if (fixed.includes('.')) fixed = fixed.replace(/\.?0+$/, '');
  return fixed;
}
