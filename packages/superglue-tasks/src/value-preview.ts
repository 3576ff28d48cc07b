/**
 * A short, JSON-like preview of an untrusted value for error messages: strings are quoted and cut
 * at `maxChars`, arrays and objects are summarised (`array(3)`, `{"a", "b", …}`) instead of
 * serialised. Never throws and never recurses, so a deeply nested or huge value (which would make
 * `JSON.stringify` overflow the stack) is still named.
 */
export function previewValue(value: unknown, maxChars = 60): string {
  switch (typeof value) {
    case 'string': {
      const cut = value.length > maxChars ? `${value.slice(0, maxChars)}…` : value;
      return JSON.stringify(cut);
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array(${value.length})`;
  const keys: string[] = [];
  for (const key in value as object) {
    if (keys.length === 3) {
      keys.push('…');
      break;
    }
    keys.push(JSON.stringify(key.length > 20 ? `${key.slice(0, 20)}…` : key));
  }
  return `{${keys.join(', ')}}`;
}
