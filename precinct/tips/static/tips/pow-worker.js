/* Proof of work for the crime-reporting portal: find a nonce such that SHA-256(id + nonce) (UTF-8)
   starts with `difficulty` zero bits. Runs in a Web Worker so the page stays responsive; also
   loaded by tips.js as a plain script when workers are unavailable (self.PrecinctPow). */
(function (scope) {
  "use strict";

  // SHA-256 constants: fractional parts of the square roots (H) and cube roots (K) of the first primes.
  var primes = [];
  for (var n = 2; primes.length < 64; n++) {
    var isPrime = true;
    for (var d = 2; d * d <= n; d++) { if (n % d === 0) { isPrime = false; break; } }
    if (isPrime) primes.push(n);
  }
  function frac32(x) { return ((x - Math.floor(x)) * 4294967296) >>> 0; }
  var K = new Uint32Array(64);
  var H0 = new Uint32Array(8);
  for (var i = 0; i < 64; i++) K[i] = frac32(Math.cbrt(primes[i]));
  for (i = 0; i < 8; i++) H0[i] = frac32(Math.sqrt(primes[i]));
  var W = new Uint32Array(64);

  function rotr(x, r) { return (x >>> r) | (x << (32 - r)); }

  /* SHA-256 of an ASCII/UTF-8 byte array; returns the eight 32-bit words of the digest. */
  function sha256(bytes) {
    var length = bytes.length;
    var blocks = (length + 9 + 63) >> 6;
    var buf = new Uint8Array(blocks * 64);
    buf.set(bytes);
    buf[length] = 0x80;
    var bits = length * 8;
    var end = blocks * 64;
    buf[end - 4] = (bits >>> 24) & 255; buf[end - 3] = (bits >>> 16) & 255;
    buf[end - 2] = (bits >>> 8) & 255; buf[end - 1] = bits & 255;
    var h = new Uint32Array(H0);
    for (var offset = 0; offset < end; offset += 64) {
      for (var t = 0; t < 16; t++) {
        var o = offset + t * 4;
        W[t] = (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
      }
      for (t = 16; t < 64; t++) {
        var a15 = W[t - 15], a2 = W[t - 2];
        var s0 = rotr(a15, 7) ^ rotr(a15, 18) ^ (a15 >>> 3);
        var s1 = rotr(a2, 17) ^ rotr(a2, 19) ^ (a2 >>> 10);
        W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
      }
      var a = h[0], b = h[1], c = h[2], dd = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (t = 0; t < 64; t++) {
        var S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        var ch = (e & f) ^ (~e & g);
        var t1 = (hh + S1 + ch + K[t] + W[t]) | 0;
        var S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        var maj = (a & b) ^ (a & c) ^ (b & c);
        var t2 = (S0 + maj) | 0;
        hh = g; g = f; f = e; e = (dd + t1) | 0; dd = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += dd; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    return h;
  }

  function utf8(text) { return new TextEncoder().encode(text); }

  function leadingZeroBits(words) {
    var bits = 0;
    for (var i = 0; i < 8; i++) {
      if (words[i] === 0) { bits += 32; continue; }
      return bits + Math.clz32(words[i]);
    }
    return bits;
  }

  /* Try nonces start, start+1, ... for `count` tries; the nonce found (a string) or null. */
  function search(id, difficulty, start, count) {
    for (var nonce = start; nonce < start + count; nonce++) {
      if (leadingZeroBits(sha256(utf8(id + nonce))) >= difficulty) return String(nonce);
    }
    return null;
  }

  var api = { sha256: sha256, search: search, leadingZeroBits: leadingZeroBits, utf8: utf8 };
  scope.PrecinctPow = api;
  if (typeof module !== "undefined") module.exports = api;

  if (typeof WorkerGlobalScope !== "undefined" && scope instanceof WorkerGlobalScope) {
    scope.onmessage = function (event) {
      var id = event.data.id, difficulty = event.data.difficulty;
      for (var start = 0; ; start += 100000) {
        var found = search(id, difficulty, start, 100000);
        if (found !== null) { scope.postMessage({ nonce: found }); return; }
      }
    };
  }
})(typeof self !== "undefined" ? self : globalThis);
