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
 * Shared helpers (backend setup, PPM reading, emulations) live in lib.js.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

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

const {
  TFJS_VERSION, FACE_API_VERSION, tf, assert, log, initFaceApi, readPpm, loadNet, f32, maxAbsDiff, dlibRect, clipAtImageBorders, stats,
  resizeBilinearLegacyF32, preprocessEmulation,
} = require('./lib');

// ------------------------------------------------- recognition net by hand
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
  const modelDir = path.join(faceApiDir, 'model');
  const { faceapi } = await initFaceApi(faceApiDir, { noSimd });

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
