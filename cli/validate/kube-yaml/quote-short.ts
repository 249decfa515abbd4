// Manifest text inside a reader message: JSON-quoted (so escaped) and cut
// short, so a hostile document cannot flood or forge the output with it.

const MAX = 40;

export function quoteShort(s: string): string {
  return JSON.stringify(s.length > MAX ? `${s.slice(0, MAX - 3)}...` : s);
}
