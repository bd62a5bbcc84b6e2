/**
 * Glob matching with Redis's rules (KEYS, SCAN MATCH, CONFIG GET, later PSUBSCRIBE):
 * `*`, `?`, `[abc]`, `[^a-z]`, `\x` escapes. Strings are latin1, one char per byte.
 *
 * Two defences against abusive patterns, as Redis has them: recursion deeper than 1000
 * fails the match, and once the rest of a pattern after `*` matched nowhere in the rest of
 * the string, no longer match of an earlier `*` is tried (this keeps `*a*a*a*…b` linear
 * instead of exponential: the CVE-2022-36021 class).
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const state = { skipLonger: false };
  return matchFrom(pattern, 0, subject, 0, nocase, state, 0);
}

/** C's signed char, so byte ranges compare as Redis does on x86. */
function signedByte(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (Number.isNaN(c)) return 0;
  return c > 127 ? c - 256 : c;
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchFrom(
  pattern: string,
  p: number,
  subject: string,
  s: number,
  nocase: boolean,
  state: { skipLonger: boolean },
  nesting: number,
): boolean {
  if (nesting > 1000) return false;
  const plen = pattern.length;
  const slen = subject.length;
  while (p < plen && s < slen) {
    const pc = pattern.charCodeAt(p);
    if (pc === 42 /* * */) {
      while (p + 1 < plen && pattern.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === plen) return true;
      while (s < slen) {
        if (matchFrom(pattern, p + 1, subject, s, nocase, state, nesting + 1)) return true;
        if (state.skipLonger) return false;
        s++;
      }
      state.skipLonger = true;
      return false;
    } else if (pc === 63 /* ? */) {
      s++;
    } else if (pc === 91 /* [ */) {
      p++;
      const not = pattern.charCodeAt(p) === 94; /* ^ */
      if (not) p++;
      let match = false;
      const sc = signedByte(subject, s);
      for (;;) {
        if (pattern.charCodeAt(p) === 92 /* \ */ && plen - p >= 2) {
          p++;
          if (signedByte(pattern, p) === sc) match = true;
        } else if (pattern.charCodeAt(p) === 93 /* ] */) {
          break;
        } else if (p >= plen) {
          p--;
          break;
        } else if (plen - p >= 3 && pattern.charCodeAt(p + 1) === 45 /* - */) {
          let start = signedByte(pattern, p);
          let end = signedByte(pattern, p + 2);
          let c = sc;
          if (start > end) [start, end] = [end, start];
          if (nocase) {
            start = lower(start);
            end = lower(end);
            c = lower(c);
          }
          p += 2;
          if (c >= start && c <= end) match = true;
        } else if (nocase ? lower(signedByte(pattern, p)) === lower(sc) : signedByte(pattern, p) === sc) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      if (pc === 92 /* \ */ && plen - p >= 2) p++;
      const a = pattern.charCodeAt(p);
      const b = subject.charCodeAt(s);
      if (nocase ? lower(a) !== lower(b) : a !== b) return false;
      s++;
    }
    p++;
    if (s === slen) {
      while (pattern.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p >= plen && s === slen;
}
