/**
 * Logging in Redis's format: "pid:M 22 Nov 2026 04:26:46.123 * message", to stdout or a
 * file. Levels and their marks as Redis: debug '.', verbose '-', notice '*', warning '#'.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';

const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<Exclude<LogLevel, 'nothing'>, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  level: LogLevel = 'notice';

  constructor(
    /** Empty: stdout. */
    readonly file = '',
    /** Tests and the embedded API silence the log. */
    readonly silent = false,
  ) {}

  debug(message: string): void {
    this.write('debug', message);
  }
  verbose(message: string): void {
    this.write('verbose', message);
  }
  notice(message: string): void {
    this.write('notice', message);
  }
  warning(message: string): void {
    this.write('warning', message);
  }

  private write(level: Exclude<LogLevel, 'nothing'>, message: string): void {
    if (this.silent || RANK[level] < RANK[this.level]) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const stamp = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${stamp} ${MARK[level]} ${message}\n`;
    if (this.file === '') process.stdout.write(line);
    else appendFileSync(this.file, line);
  }
}
