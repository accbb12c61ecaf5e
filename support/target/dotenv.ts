/**
 * A `.env` file: where seed 002 keeps a client's id and secret (AUTH_CLIENT_ID / AUTH_CLIENT_SECRET), so a
 * target profile can name them as `${AUTH_CLIENT_SECRET}` without ever holding the value.
 *
 * The usual dotenv dialect, small on purpose (no new dependency): `NAME=value`, optional `export ` prefix,
 * `#` comments and blank lines, values optionally in single quotes (taken literally) or double quotes
 * (`\n`, `\"`, `\\` escapes). No variable expansion inside values: a secret is taken as written.
 */
import { readFileSync } from 'node:fs';

export class DotenvError extends Error {
  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'DotenvError';
  }
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

export function parseDotenv(text: string, file = '.env'): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    if (/^\s*(#.*)?$/.test(raw)) return;
    const match = LINE.exec(raw);
    if (!match) throw new DotenvError(file, index + 1, 'expected NAME=value (a variable name of letters, digits and _)');
    const [, name, rest] = match as unknown as [string, string, string];
    values[name] = unquote(rest, file, index + 1);
  });
  return values;
}

function unquote(value: string, file: string, line: number): string {
  const quote = value[0];
  if (quote === "'" || quote === '"') {
    const end = value.lastIndexOf(quote);
    if (end === 0) throw new DotenvError(file, line, `unterminated ${quote} quote`);
    const after = value.slice(end + 1).trim();
    if (after && !after.startsWith('#')) throw new DotenvError(file, line, `unexpected text after the closing ${quote}`);
    const inner = value.slice(1, end);
    return quote === "'" ? inner : inner.replace(/\\([n"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  // Unquoted: a ` #` starts a comment (a `#` inside the value, e.g. in a secret, is kept).
  return value.replace(/\s+#.*$/, '');
}

export function readDotenv(path: string): Record<string, string> {
  return parseDotenv(readFileSync(path, 'utf8'), path);
}
