/**
 * Start-up configuration from a redis.conf-style file and redis-server-style arguments:
 * `cairn-server [config-file] [--port N] [--bind ADDR ...] [--OPTION VALUE ...]`.
 * Arguments override the file, as in Redis.
 */
import { readFileSync } from 'node:fs';
import { splitArgs } from '../protocol/parser.js';
import { ConfigValues, findParam, parseSavePoints, type SavePoint } from './config.js';

export class ConfigError extends Error {}

export interface Directive {
  name: string;
  args: string[];
  /** Where it came from, for the error message. */
  source: string;
  line: number;
  text: string;
}

export function parseConfigText(text: string, source: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitArgs(line);
    if (words === null) {
      throw configError(source, i + 1, raw, 'Unbalanced quotes in configuration line');
    }
    if (words.length === 0) continue;
    out.push({ name: words[0]!.toLowerCase(), args: words.slice(1), source, line: i + 1, text: raw });
  }
  return out;
}

/** redis-server style: each --name starts a directive; the words after it are its args. */
export function parseArgv(argv: string[]): { file: string | null; directives: Directive[] } {
  let file: string | null = null;
  let i = 0;
  if (argv.length > 0 && !argv[0]!.startsWith('--')) {
    file = argv[0]!;
    i = 1;
  }
  const directives: Directive[] = [];
  let current: Directive | null = null;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('--') && word.length > 2) {
      current = { name: word.slice(2).toLowerCase(), args: [], source: 'the command line', line: 0, text: word };
      directives.push(current);
    } else if (current === null) {
      throw new ConfigError(`Unexpected argument '${word}': options are given as --name value`);
    } else {
      current.args.push(word);
      current.text += ' ' + word;
    }
  }
  return { file, directives };
}

function configError(source: string, line: number, text: string, message: string): ConfigError {
  const where = line > 0 ? `${source}, line ${line}` : source;
  return new ConfigError(
    `*** FATAL CONFIG FILE ERROR ***\nReading the configuration from ${where}\n>>> '${text.trim()}'\n${message}`,
  );
}

export function applyDirectives(values: ConfigValues, directives: Directive[]): void {
  let savePoints: SavePoint[] | null = null;
  for (const d of directives) {
    const param = findParam(d.name);
    if (param === undefined) {
      throw configError(d.source, d.line, d.text, `Bad directive or wrong number of arguments: unknown directive '${d.name}'`);
    }
    const multi = param.name === 'bind' || param.name === 'save' || param.name === 'client-output-buffer-limit';
    if (!multi && d.args.length !== 1) {
      throw configError(d.source, d.line, d.text, `wrong number of arguments for directive '${d.name}'`);
    }
    if (param.name === 'dir') {
      // Created at start-up if missing (npm start uses ./data on a fresh clone).
      values.dir = d.args[0]!;
      continue;
    }
    if (param.name === 'save') {
      // Each save line adds points to those of the lines before it; save "" clears them.
      const points = parseSavePoints(d.args.join(' '));
      if (points === null) throw configError(d.source, d.line, d.text, 'Invalid save parameters');
      savePoints = points.length === 0 ? [] : [...(savePoints ?? []), ...points];
      values.savePoints = savePoints;
      continue;
    }
    const error = param.set(values, d.args.join(' '));
    if (error !== null) throw configError(d.source, d.line, d.text, `directive '${d.name}': ${error}`);
  }
}

export function loadConfig(argv: string[]): { values: ConfigValues; file: string | null } {
  const values = new ConfigValues();
  const { file, directives } = parseArgv(argv);
  if (file !== null) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch (e) {
      throw new ConfigError(`Fatal error, can't open config file '${file}': ${(e as Error).message}`);
    }
    applyDirectives(values, parseConfigText(text, file));
  }
  applyDirectives(values, directives);
  return { values, file };
}
