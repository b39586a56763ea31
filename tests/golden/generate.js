#!/usr/bin/env node
/*
 * Golden-output generator for facecluster's face recognition pipeline.
 *
 * Usage:
 *   node generate.js FACE_API_DIR PPM_DIR OUT_JSON [--layers[=LAYERS_JSON]] [--no-simd]
 *
 *   FACE_API_DIR  unpacked @vladmandic/face-api@1.7.15 package (needs dist/ and model/)
 *   PPM_DIR       holds sample1.ppm .. sample6.ppm (binary P6, maxval 255), decoded
 *                 from FACE_API_DIR/demo/sampleN.jpg
 *   OUT_JSON      output file (committed as tests/golden/recognition.json)
 *   --layers      also write a per-layer trace of the recognition net for the first
 *                 face of sample1 (default path: <dir of OUT_JSON>/layers.json)
 *   --no-simd     force the non-SIMD wasm binary (diagnostics only; the committed
 *                 files are produced with the default, i.e. SIMD when available)
 *
 * Only plain Node, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm (pinned in
 * package.json) are used; no canvas, no image decoding, no network access.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const Module = require('module');

const TFJS_VERSION = '4.22.0';
const FACE_API_VERSION = '1.7.15';
const N_PHOTOS = 6;
const EXPECTED_FACES = 22;

// ---------------------------------------------------------------- arguments
function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write('usage: node generate.js FACE_API_DIR PPM_DIR OUT_JSON [--layers[=LAYERS_JSON]] [--no-simd]\n');
  process.exit(2);
}

const positional = [];
let layersOut = null;
let noSimd = false;
for (const a of process.argv.slice(2)) {
  if (a === '--layers') layersOut = '';
  else if (a.startsWith('--layers=')) layersOut = a.slice('--layers='.length);
  else if (a === '--no-simd') noSimd = true;
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 3) usage('expected 3 positional arguments');
const [faceApiDir, ppmDir, outJson] = positional.map((p) => path.resolve(p));
if (layersOut === '') layersOut = path.join(path.dirname(outJson), 'layers.json');
else if (layersOut) layersOut = path.resolve(layersOut);

// ------------------------------------------------------------ tfjs + face-api
// face-api.node-wasm.js does require('@tensorflow/tfjs') and
// require('@tensorflow/tfjs-backend-wasm'); FACE_API_DIR has no node_modules, so
// resolve those two names to the copies installed next to this script. This
// also guarantees face-api and this script share one tf instance.
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

// ------------------------------------------------- recognition net by hand
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

// padToSquare(isCenterImage=true): the larger half of the padding goes after
// (bottom/right), the remainder before (top/left).
function padToSquareCentered(x4) {
  const [, h, w] = x4.shape;
  if (h === w) return x4; // NB: stays int32 in face-api; resizeBilinear casts
  const diff = Math.abs(h - w);
  const after = Math.round(diff * 0.5);
  const before = diff - after;
  const axis = h > w ? 2 : 1;
  const zeros = (n) => { const s = x4.shape.slice(); s[axis] = n; return tf.zeros(s, 'float32'); };
  const parts = [];
  if (before) parts.push(zeros(before));
  parts.push(tf.cast(x4, 'float32'));
  parts.push(zeros(after));
  return tf.concat(parts, axis);
}

function convLayer(x, p, stride, relu, padding) {
  let out = tf.conv2d(x, p.conv.filters, stride, padding);
  out = tf.add(out, p.conv.bias);
  out = tf.add(tf.mul(out, p.scale.weights), p.scale.biases);
  return relu ? tf.relu(out) : out;
}
const conv = (x, p) => convLayer(x, p, [1, 1], true, 'same');
const convNoRelu = (x, p) => convLayer(x, p, [1, 1], false, 'same');
const convDown = (x, p) => convLayer(x, p, [2, 2], true, 'valid');

function residual(x, p) {
  let out = conv(x, p.conv1);
  out = convNoRelu(out, p.conv2);
  return tf.relu(tf.add(out, x));
}

function residualDown(x, p) {
  let out = convDown(x, p.conv1);
  out = convNoRelu(out, p.conv2);
  let pooled = tf.avgPool(x, 2, 2, 'valid');
  if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
    const sx = out.shape.slice(); sx[1] = 1;
    out = tf.concat([out, tf.zeros(sx)], 1);
    const sy = out.shape.slice(); sy[2] = 1;
    out = tf.concat([out, tf.zeros(sy)], 2);
  }
  if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
  return tf.relu(tf.add(pooled, out));
}

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

// Pure-JS float32 emulation of NetInput.toBatchTensor(150, true):
// centred padToSquare (zeros; extra pixel of an odd difference goes to the
// bottom/right) followed by the legacy-mode bilinear resize.
function preprocessEmulation(cropData, h, w) {
  const S = Math.max(h, w);
  const diff = Math.abs(h - w);
  const before = diff - Math.round(diff * 0.5);
  const oy = h < w ? before : 0;
  const ox = w < h ? before : 0;
  const sq = new Float32Array(S * S * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) sq[((y + oy) * S + (x + ox)) * 3 + c] = cropData[(y * w + x) * 3 + c];
    }
  }
  return S === 150 ? sq : resizeBilinearLegacyF32(sq, S, S, 3, 150, 150);
}

function normalizeEmulation(input) {
  const mean = [122.782, 117.001, 104.298].map(Math.fround);
  return input.map((v, i) => Math.fround(Math.fround(v - mean[i % 3]) / 255));
}

function traceRecognition(params, crop) {
  const layers = [];
  const checks = {};
  const result = tf.tidy(() => {
    const x4 = tf.expandDims(crop, 0);
    const padded = padToSquareCentered(x4);
    let input = padded;
    if (padded.shape[1] !== 150 || padded.shape[2] !== 150) {
      input = tf.image.resizeBilinear(padded, [150, 150], false, false);
    }
    input = tf.cast(input, 'float32');
    const s0 = stats('input', input, 16);
    layers.push(s0);
    // check our float32 emulation of the wasm resize
    const paddedF = tf.cast(padded, 'float32').dataSync();
    const emu = resizeBilinearLegacyF32(paddedF, padded.shape[1], padded.shape[2], 3, 150, 150);
    checks.resize_emulation_max_abs_diff = maxAbsDiff(emu, input.dataSync());

    const mean = tf.concat([
      tf.fill([1, 150, 150, 1], 122.782, 'float32'),
      tf.fill([1, 150, 150, 1], 117.001, 'float32'),
      tf.fill([1, 150, 150, 1], 104.298, 'float32'),
    ], 3);
    let out = tf.div(tf.sub(input, mean), 255);
    layers.push(stats('normalized', out));
    checks.normalize_emulation_max_abs_diff = maxAbsDiff(normalizeEmulation(input.dataSync()), out.dataSync());

    out = convDown(out, params.conv32_down); layers.push(stats('conv32_down', out));
    out = tf.maxPool(out, 3, 2, 'valid'); layers.push(stats('max_pool', out));
    const blocks = [
      ['conv32_1', residual], ['conv32_2', residual], ['conv32_3', residual],
      ['conv64_down', residualDown], ['conv64_1', residual], ['conv64_2', residual], ['conv64_3', residual],
      ['conv128_down', residualDown], ['conv128_1', residual], ['conv128_2', residual],
      ['conv256_down', residualDown], ['conv256_1', residual], ['conv256_2', residual],
      ['conv256_down_out', residualDown],
    ];
    for (const [name, fn] of blocks) {
      out = fn(out, params[name]);
      layers.push(stats(name, out));
    }
    out = out.mean([1, 2]); layers.push(stats('mean', out));
    out = tf.matMul(out, params.fc); layers.push(stats('fc', out, 128));
    return out.dataSync().slice();
  });
  return { layers, checks, descriptor: result };
}

// ------------------------------------------------------------------ main
async function main() {
  const faceApiFile = path.join(faceApiDir, 'dist', 'face-api.node-wasm.js');
  const modelDir = path.join(faceApiDir, 'model');
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

  const { ssdMobilenetv1, faceLandmark68Net, faceRecognitionNet } = faceapi.nets;
  await loadNet(ssdMobilenetv1, modelDir);
  await loadNet(faceLandmark68Net, modelDir);
  await loadNet(faceRecognitionNet, modelDir);

  const photos = [];
  const faces = [];
  const images = {};
  let worstDescDiff = 0;

  for (let n = 1; n <= N_PHOTOS; n++) {
    const file = `sample${n}.jpg`;
    const ppm = readPpm(path.join(ppmDir, `sample${n}.ppm`));
    const { width: W, height: H } = ppm;
    photos.push({
      file, width: W, height: H,
      rgb_sha256: crypto.createHash('sha256').update(ppm.rgb).digest('hex'),
    });
    const img = tf.tensor3d(Int32Array.from(ppm.rgb), [H, W, 3], 'int32');
    images[file] = img;

    const results = await faceapi
      .detectAllFaces(img, new faceapi.SsdMobilenetv1Options())
      .withFaceLandmarks()
      .withFaceDescriptors();
    log(`${file}: ${W}x${H}, ${results.length} faces`);

    for (const r of results) {
      // 1. the detection crop fed to the landmark net
      const detBox = r.detection.forSize(W, H).box.clipAtImageBorders(W, H);
      assert(r.landmarks.imageWidth === detBox.width && r.landmarks.imageHeight === detBox.height,
        'landmark image dims != detection crop dims');
      // 2. our own arithmetic for the descriptor crop
      const rect = dlibRect(r.landmarks.positions, r.landmarks.imageWidth, r.landmarks.imageHeight);
      const box = clipAtImageBorders(rect, W, H);
      // ... must equal face-api's classes
      const apiRect = r.landmarks.align(null, { useDlibAlignment: true });
      const apiBox = apiRect.clipAtImageBorders(W, H);
      assert(JSON.stringify([apiBox.x, apiBox.y, apiBox.width, apiBox.height]) === JSON.stringify(box),
        `box mismatch ${JSON.stringify(box)} vs face-api ${JSON.stringify(apiBox)}`);
      assert(box[2] > 0 && box[3] > 0, 'empty box');
      // ... and slicing it must give exactly the tensor face-api extracts
      const [x, y, w, h] = box;
      const crop = tf.slice(img, [y, x, 0], [h, w, 3]);
      const [apiCrop] = await faceapi.extractFaceTensors(img, [apiRect]);
      assert(maxAbsDiff(crop.dataSync(), apiCrop.dataSync()) === 0, 'crop pixels differ from extractFaceTensors');
      apiCrop.dispose();
      // 3. descriptor of our slice == face-api pipeline descriptor
      const desc = await faceRecognitionNet.computeFaceDescriptor(crop);
      crop.dispose();
      assert(desc.length === 128 && r.descriptor.length === 128, 'descriptor length');
      const diff = maxAbsDiff(desc, r.descriptor);
      worstDescDiff = Math.max(worstDescDiff, diff);
      assert(diff < 1e-6, `${file} ${JSON.stringify(box)}: descriptor differs from pipeline by ${diff}`);
      faces.push({
        file, box, score: f32(r.detection.score), descriptor: Array.from(desc, f32),
      });
    }
  }
  log(`max |descriptor(own slice) - descriptor(face-api pipeline)| = ${worstDescDiff}`);
  assert(faces.length === EXPECTED_FACES, `expected ${EXPECTED_FACES} faces, got ${faces.length}`);

  faces.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)
    || (a.box[0] - b.box[0]) || (a.box[1] - b.box[1]));

  // ---------------------------------------------------- synthetic crops
  const first = faces.find((f) => f.file === 'sample1.jpg');
  const p1 = photos[0];
  const [fx, fy, fw, fh] = first.box;
  const variants = [
    ['wider +30 (w > h, even diff)', [fx - 15, fy, fw + 30, fh]],
    ['taller +30 (h > w, even diff)', [fx, fy - 15, fw, fh + 30]],
    ['wider +31 (w > h, odd diff)', [fx - 15, fy, fw + 31, fh]],
    ['taller +31 (h > w, odd diff)', [fx, fy - 15, fw, fh + 31]],
  ];
  const synthetic = [];
  const preprocessChecks = [];
  for (const [what, [x, y, w, h]] of variants) {
    assert(x >= 0 && y >= 0 && x + w <= p1.width && y + h <= p1.height, `synthetic crop ${what} outside image`);
    const crop = tf.slice(images['sample1.jpg'], [y, x, 0], [h, w, 3]);
    const desc = await faceRecognitionNet.computeFaceDescriptor(crop);
    const batch = (await faceapi.toNetInput(crop)).toBatchTensor(150, true);
    const d = maxAbsDiff(preprocessEmulation(crop.dataSync(), h, w), batch.dataSync());
    log(`synthetic ${what}: JS pad+resize emulation vs face-api toBatchTensor max abs diff = ${d}`);
    assert(d === 0, 'preprocessing emulation mismatch');
    preprocessChecks.push({ box: [x, y, w, h], max_abs_diff: d });
    batch.dispose();
    crop.dispose();
    synthetic.push({ file: 'sample1.jpg', box: [x, y, w, h], descriptor: Array.from(desc, f32) });
  }

  // ---------------------------------------------------- write output
  const line = (o) => `  ${JSON.stringify(o)}`;
  const text = [
    '{"generator":"tests/golden/generate.js","face_api":"1.7.15","tfjs":"4.22.0","backend":"wasm",',
    ' "photos":[',
    photos.map(line).join(',\n'),
    ' ],',
    ' "faces":[',
    faces.map(line).join(',\n'),
    ' ],',
    ' "synthetic":[',
    synthetic.map(line).join(',\n'),
    ' ]}',
    '',
  ].join('\n');
  JSON.parse(text); // sanity
  fs.mkdirSync(path.dirname(outJson), { recursive: true });
  fs.writeFileSync(outJson, text);
  log(`wrote ${outJson}: ${photos.length} photos, ${faces.length} faces, ${synthetic.length} synthetic`);
  for (const f of faces) log(`  ${f.file} box=${JSON.stringify(f.box)} score=${f.score}`);

  // ---------------------------------------------------- layer trace
  if (layersOut) {
    const [x, y, w, h] = first.box;
    const crop = tf.slice(images['sample1.jpg'], [y, x, 0], [h, w, 3]);
    const trace = traceRecognition(faceRecognitionNet.params, crop);
    const ref = await faceRecognitionNet.computeFaceDescriptor(crop);
    crop.dispose();
    const diff = maxAbsDiff(trace.descriptor, ref);
    const diffGolden = maxAbsDiff(trace.descriptor, first.descriptor.map(Math.fround));
    log(`layers: step-by-step vs computeFaceDescriptor max abs diff = ${diff}, vs golden = ${diffGolden}`);
    log(`layers: float32 resize emulation vs wasm resizeBilinear max abs diff = ${trace.checks.resize_emulation_max_abs_diff}`);
    log(`layers: float32 normalize emulation vs wasm max abs diff = ${trace.checks.normalize_emulation_max_abs_diff}`);
    assert(diff < 1e-6, `step-by-step forward pass differs from computeFaceDescriptor by ${diff}`);
    assert(diffGolden < 1e-6, `step-by-step forward pass differs from the golden descriptor by ${diffGolden}`);
    const out = {
      generator: 'tests/golden/generate.js',
      face_api: FACE_API_VERSION,
      tfjs: TFJS_VERSION,
      backend: 'wasm',
      file: 'sample1.jpg',
      box: first.box,
      note: 'NHWC order; sum and sum_abs accumulated in double over the float32 tensor; '
        + 'first = first values in memory order; input has 16 first values, fc has all 128',
      checks: {
        step_by_step_vs_computeFaceDescriptor_max_abs_diff: diff,
        resize_emulation_max_abs_diff: trace.checks.resize_emulation_max_abs_diff,
        normalize_emulation_max_abs_diff: trace.checks.normalize_emulation_max_abs_diff,
        synthetic_preprocess_emulation: preprocessChecks,
      },
      layers: trace.layers,
    };
    const ltext = `{${Object.entries(out).filter(([k]) => k !== 'layers')
      .map(([k, v]) => `"${k}":${JSON.stringify(v)}`).join(',\n ')},\n "layers":[\n${
      trace.layers.map(line).join(',\n')}\n ]}\n`;
    JSON.parse(ltext);
    fs.mkdirSync(path.dirname(layersOut), { recursive: true });
    fs.writeFileSync(layersOut, ltext);
    log(`wrote ${layersOut}`);
  }

  Object.values(images).forEach((t) => t.dispose());
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
