/*
 * Shared helpers for the golden-output generators (generate.js,
 * generate_detect.js): tfjs + wasm backend setup, face-api loading, PPM
 * reading, weight loading, float32 formatting and plain-JS float32 emulations
 * of face-api's preprocessing.
 *
 * Requiring this module installs a resolver hook so that face-api's
 * require('@tensorflow/tfjs') and require('@tensorflow/tfjs-backend-wasm')
 * resolve to the copies installed next to this file (FACE_API_DIR has no
 * node_modules); face-api and the generators therefore share one tf instance.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');

const TFJS_VERSION = '4.22.0';
const FACE_API_VERSION = '1.7.15';

// ------------------------------------------------------------ tfjs + face-api
const tfResolved = {
  '@tensorflow/tfjs': require.resolve('@tensorflow/tfjs'),
  '@tensorflow/tfjs-backend-wasm': require.resolve('@tensorflow/tfjs-backend-wasm'),
};
const origResolve = Module._resolveFilename;
Module._resolveFilename = function resolveFilename(request, ...rest) {
  if (Object.prototype.hasOwnProperty.call(tfResolved, request)) return tfResolved[request];
  return origResolve.call(this, request, ...rest);
};

const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function log(msg) {
  process.stderr.write(`${msg}\n`);
}

// Initialises the wasm backend (local binaries, single-threaded, SIMD unless
// noSimd) and loads face-api from FACE_API_DIR/dist/face-api.node-wasm.js.
async function initFaceApi(dir, { noSimd = false } = {}) {
  const faceApiDir = path.resolve(dir);
  const faceApiFile = path.join(faceApiDir, 'dist', 'face-api.node-wasm.js');
  const pkg = JSON.parse(fs.readFileSync(path.join(faceApiDir, 'package.json'), 'utf8'));
  assert(pkg.version === FACE_API_VERSION, `face-api version ${pkg.version} != ${FACE_API_VERSION}`);
  assert(tf.version.tfjs === TFJS_VERSION, `tfjs ${tf.version.tfjs} != ${TFJS_VERSION}`);
  assert(wasm.version_wasm === TFJS_VERSION, `tfjs-backend-wasm ${wasm.version_wasm} != ${TFJS_VERSION}`);

  // local wasm binaries (no CDN); single-threaded for determinism
  const wasmDir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  wasm.setWasmPaths(`${wasmDir}${path.sep}`);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (noSimd) tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  assert(await tf.setBackend('wasm'), 'could not initialise the wasm backend');
  await tf.ready();
  assert(tf.getBackend() === 'wasm', `backend is ${tf.getBackend()}`);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  log(`tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, simd=${simd}, threads=false`);

  const faceapi = require(faceApiFile);
  assert(faceapi.version === FACE_API_VERSION, `face-api reports ${faceapi.version}`);
  assert(faceapi.tf.getBackend() === 'wasm', 'face-api sees a different tf backend');
  assert(faceapi.tf.Tensor === tf.Tensor, 'face-api uses a different tf instance');
  return { faceapi, simd };
}

// -------------------------------------------------------------------- PPM
function readPpm(file) {
  const buf = fs.readFileSync(file);
  let pos = 0;
  const token = () => {
    for (;;) { // skip whitespace and comments
      while (pos < buf.length && /\s/.test(String.fromCharCode(buf[pos]))) pos++;
      if (buf[pos] === 0x23) { while (pos < buf.length && buf[pos] !== 0x0a) pos++; } else break;
    }
    const start = pos;
    while (pos < buf.length && !/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    return buf.toString('latin1', start, pos);
  };
  assert(token() === 'P6', `${file}: not a binary P6 PPM`);
  const width = parseInt(token(), 10);
  const height = parseInt(token(), 10);
  const maxval = parseInt(token(), 10);
  assert(maxval === 255, `${file}: maxval ${maxval} != 255`);
  pos += 1; // exactly one whitespace byte after maxval
  const n = width * height * 3;
  assert(buf.length - pos === n, `${file}: expected ${n} bytes of pixels, got ${buf.length - pos}`);
  const rgb = buf.subarray(pos, pos + n);
  return { width, height, rgb };
}

// --------------------------------------------------------------- weights
async function loadNet(net, modelDir) {
  const name = net.getDefaultModelName();
  const manifest = JSON.parse(fs.readFileSync(path.join(modelDir, `${name}-weights_manifest.json`), 'utf8'));
  const fetchWeights = async (paths) => paths.map((p) => {
    const b = fs.readFileSync(p);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  });
  const weightMap = await tf.io.weightsLoaderFactory(fetchWeights)(manifest, modelDir);
  net.loadFromWeightMap(weightMap);
  assert(net.isLoaded, `${name} not loaded`);
}

// --------------------------------------------------------------- numbers
// Shortest decimal that round-trips to the same float32 (strtof() in C gives
// back the exact value).
function f32(v) {
  assert(Number.isFinite(v), `non-finite value ${v}`);
  const f = Math.fround(v);
  assert(f === v, `value ${v} is not a float32`);
  if (f === 0) return 0;
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return s;
  }
  throw new Error(`cannot format ${v}`);
}

// Same, for a JS double: rounded to the nearest float32 first.
function f32r(v) {
  return f32(Math.fround(v));
}

function maxAbsDiff(a, b) {
  assert(a.length === b.length, `length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// -------------------------------------------- reference box arithmetic
// Re-implementation (plain doubles, like face-api) of the rectangle sliced by
// withFaceDescriptors():
//   rect = landmarks.align(null, { useDlibAlignment: true })   (FaceLandmarks.alignDlib)
//   box  = rect.clipAtImageBorders(imgW, imgH)                  (extractFaceTensors)
function centerPoint(pts) {
  let x = 0; let y = 0;
  for (const p of pts) { x += p.x; y += p.y; }
  return { x: x / pts.length, y: y / pts.length };
}

function dlibRect(positions, lmImgW, lmImgH) {
  const leftEye = centerPoint(positions.slice(36, 42));
  const rightEye = centerPoint(positions.slice(42, 48));
  const mouth = centerPoint(positions.slice(48, 68));
  const dist = (p) => Math.sqrt(((mouth.x - p.x) ** 2) + ((mouth.y - p.y) ** 2));
  const eyeToMouth = (dist(leftEye) + dist(rightEye)) / 2;
  const size = Math.floor(eyeToMouth / 0.45);
  const ref = centerPoint([leftEye, rightEye, mouth]);
  const x = Math.floor(Math.max(0, ref.x - (0.5 * size)));
  const y = Math.floor(Math.max(0, ref.y - (0.43 * size)));
  // lmImgW/H are the dimensions of the *detection crop* the landmarks were
  // computed on (FaceLandmarks._imgDims), not of the photo.
  return { x, y, width: Math.min(size, lmImgW + x), height: Math.min(size, lmImgH + y) };
}

function clipAtImageBorders(b, imgW, imgH) {
  const cx = Math.max(b.x, 0);
  const cy = Math.max(b.y, 0);
  const w = Math.min((b.x + b.width) - cx, imgW - cx);
  const h = Math.min((b.y + b.height) - cy, imgH - cy);
  return [Math.floor(cx), Math.floor(cy), Math.floor(w), Math.floor(h)];
}

// ------------------------------------------------------------ statistics
function stats(name, t, nFirst = 8) {
  const d = t.dataSync();
  let sum = 0; let sumAbs = 0;
  for (let i = 0; i < d.length; i++) { sum += d[i]; sumAbs += Math.abs(d[i]); }
  return {
    name,
    shape: t.shape.slice(),
    sum,
    sum_abs: sumAbs,
    first: Array.from(d.subarray(0, nFirst), f32),
  };
}

// ------------------------------------------------ preprocessing emulation
// Plain float32 emulation of XNNPACK resize_bilinear2d_nhwc_f32 in
// TENSORFLOW_LEGACY_MODE (alignCorners=false, halfPixelCenters=false), used to
// confirm the wasm backend's source-coordinate arithmetic.
function resizeBilinearLegacyF32(src, inH, inW, C, outH, outW) {
  const fr = Math.fround;
  const out = new Float32Array(outH * outW * C);
  const hs = fr(inH / outH);
  const ws = fr(inW / outW);
  for (let oy = 0; oy < outH; oy++) {
    const iy = fr(oy * hs);
    const y0 = Math.trunc(iy);
    const y1 = Math.min(y0 + 1, inH - 1);
    const ay = fr(iy - y0);
    for (let ox = 0; ox < outW; ox++) {
      const ix = fr(ox * ws);
      const x0 = Math.trunc(ix);
      const x1 = Math.min(x0 + 1, inW - 1);
      const ax = fr(ix - x0);
      for (let c = 0; c < C; c++) {
        const tl = src[(y0 * inW + x0) * C + c];
        const tr = src[(y0 * inW + x1) * C + c];
        const bl = src[(y1 * inW + x0) * C + c];
        const br = src[(y1 * inW + x1) * C + c];
        const t = fr(tl + fr(fr(tr - tl) * ax));
        const b = fr(bl + fr(fr(br - bl) * ax));
        out[(oy * outW + ox) * C + c] = fr(t + fr(fr(b - t) * ay));
      }
    }
  }
  return out;
}

// Pure-JS float32 emulation of NetInput.toBatchTensor(size, centred) for one
// HxWx3 image: padToSquare with zeros, then the legacy-mode bilinear resize
// (skipped when the square side already equals size).
//   centred=true : the padding is split, the larger half (round(diff/2)) goes
//                  after (bottom/right), the rest before (top/left);
//   centred=false: all of the padding goes after (bottom/right).
function preprocessEmulation(data, h, w, size = 150, centred = true) {
  const S = Math.max(h, w);
  const diff = Math.abs(h - w);
  const before = centred ? diff - Math.round(diff * 0.5) : 0;
  const oy = h < w ? before : 0;
  const ox = w < h ? before : 0;
  const sq = new Float32Array(S * S * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) sq[((y + oy) * S + (x + ox)) * 3 + c] = data[(y * w + x) * 3 + c];
    }
  }
  return S === size ? sq : resizeBilinearLegacyF32(sq, S, S, 3, size, size);
}

module.exports = {
  TFJS_VERSION,
  FACE_API_VERSION,
  tf,
  wasm,
  assert,
  log,
  initFaceApi,
  readPpm,
  loadNet,
  f32,
  f32r,
  maxAbsDiff,
  centerPoint,
  dlibRect,
  clipAtImageBorders,
  stats,
  resizeBilinearLegacyF32,
  preprocessEmulation,
};
