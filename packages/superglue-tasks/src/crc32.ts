/** The CRC-32 lookup table (IEEE 802.3, reflected polynomial 0xEDB88320), built once. */
const TABLE = /* @__PURE__ */ (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/**
 * CRC-32 as zip, gzip and PNG use it. Pass the previous result as `crc` to continue over the next
 * chunk: `crc32(b, crc32(a))` equals `crc32(concat(a, b))`. Returns an unsigned 32-bit integer.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
