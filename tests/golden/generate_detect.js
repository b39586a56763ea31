#!/usr/bin/env node
/*
 * Golden-output generator for facecluster's face detectors (SSD MobileNet v1,
 * tiny face detector) and the 68-point landmark net, stage by stage.
 *
 * Usage:
 *   node generate_detect.js FACE_API_DIR PPM_DIR OUT_DIR [--recognition=JSON] [--no-simd]
 *
 *   FACE_API_DIR  unpacked @vladmandic/face-api@1.7.15 package (needs dist/ and model/)
 *   PPM_DIR       holds sample1.ppm .. sample6.ppm (binary P6, maxval 255), decoded
 *                 from FACE_API_DIR/demo/sampleN.jpg by build/tests/golden_ppm
 *   OUT_DIR       receives detection_ssd.json, detection_tiny.json, landmarks.json
 *   --recognition recognition.json to take the synthetic large-face box from
 *                 (default: recognition.json next to this script)
 *   --no-simd     force the non-SIMD wasm binary (diagnostics only)
 *
 * The formats are described in README.md, the computation in DETECTORS.md.
 * Every stored number is a float32 printed with the fewest digits that
 * round-trip; values that face-api computes in JS doubles (box and landmark
 * coordinates in photo pixels, tiny-detector scores) are rounded to the
 * nearest float32 first.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');

const N_PHOTOS = 6;
const EXPECTED_SSD_FACES = 22;
const EXPECTED_TINY_FACES = 20;
const TOP_K = 50;
const SSD_SIZE = 512;
const TINY_SIZE = 416;
const LM_SIZE = 112;
// SSD box predictors in output order: [feature map side, anchors per cell]
const SSD_HEADS = [[32, 3], [16, 6], [8, 6], [4, 6], [2, 6], [1, 6]];
const SSD_NUM_ANCHORS = 5118;
const TINY_ANCHORS = [
  [1.603231, 2.094468], [6.041143, 7.080126], [2.882459, 3.518061],
  [4.266906, 5.178857], [9.041765, 10.66308]];
const TINY_MEAN = [117.001, 114.697, 97.404];
const LM_MEAN = [122.782, 117.001, 104.298];
const LARGE_FACE_FACTOR = 1.6;

// ---------------------------------------------------------------- arguments
function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write('usage: node generate_detect.js FACE_API_DIR PPM_DIR OUT_DIR [--recognition=JSON] [--no-simd]\n');
  process.exit(2);
}

const positional = [];
let noSimd = false;
let recognitionJson = path.join(__dirname, 'recognition.json');
for (const a of process.argv.slice(2)) {
  if (a === '--no-simd') noSimd = true;
  else if (a.startsWith('--recognition=')) recognitionJson = path.resolve(a.slice('--recognition='.length));
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 3) usage('expected 3 positional arguments');
const [faceApiDir, ppmDir, outDir] = positional.map((p) => path.resolve(p));

const {
  TFJS_VERSION, FACE_API_VERSION, tf, assert, log, initFaceApi, readPpm, loadNet, f32, f32r, maxAbsDiff,
  dlibRect, clipAtImageBorders, stats, preprocessEmulation,
} = require('./lib');

const fr = Math.fround;

function sha256F32(arr) {
  assert(arr instanceof Float32Array, 'sha256F32 wants a Float32Array');
  return crypto.createHash('sha256').update(Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength)).digest('hex');
}

function bitEqual(a, b) {
  return maxAbsDiff(a, b) === 0;
}

// ===================================================== SSD MobileNet v1
// Step-by-step forward pass with the net's own parameter tensors. Returns the
// raw box encodings [5118,4] and class logits [5118,3] (before decoding).
function ssdForward(params, x, layers, checks) {
  const eps = 0.0010000000474974513;
  const push = (name, t) => { if (layers) layers.push(stats(name, t)); };
  const pointwise = (inp, p, s) => tf.clipByValue(tf.add(tf.conv2d(inp, p.filters, s, 'same'), p.batch_norm_offset), 0, 6);
  const depthwise = (inp, p, s, check) => {
    const dw = tf.depthwiseConv2d(inp, p.filters, s, 'same');
    const bn = tf.batchNorm(dw, p.batch_norm_mean, p.batch_norm_variance, p.batch_norm_offset, p.batch_norm_scale, eps);
    if (check) {
      // FusedBatchNorm (wasm), measured: nf = sqrtf(variance + eps) and t = (x - mean) * scale
      // in float32, then offset + t / nf evaluated in double and rounded once to float32
      const d = dw.dataSync(); const C = dw.shape[3];
      const m = p.batch_norm_mean.dataSync(); const v = p.batch_norm_variance.dataSync();
      const o = p.batch_norm_offset.dataSync(); const g = p.batch_norm_scale.dataSync();
      const nf = Array.from(v, (vi) => fr(Math.sqrt(fr(vi + fr(eps)))));
      const emu = new Float32Array(d.length);
      for (let i = 0; i < d.length; i++) {
        const c = i % C;
        emu[i] = fr(o[c] + fr(fr(d[i] - m[c]) * g[c]) / nf[c]);
      }
      check.batchnorm_emulation_max_abs_diff = maxAbsDiff(emu, bn.dataSync());
      assert(check.batchnorm_emulation_max_abs_diff === 0, 'batchNorm emulation mismatch');
    }
    return tf.clipByValue(bn, 0, 6);
  };
  const strides = (i) => ([2, 4, 6, 12].includes(i) ? 2 : 1);

  const mb = params.mobilenetv1;
  let out = pointwise(x, mb.conv_0, 2);
  push('mobilenet/conv_0', out);
  let conv11 = null;
  for (let i = 1; i <= 13; i++) {
    const pair = mb[`conv_${i}`];
    out = depthwise(out, pair.depthwise_conv, strides(i), i === 1 ? checks : null);
    out = pointwise(out, pair.pointwise_conv, 1);
    push(`mobilenet/conv_${i}`, out);
    if (i === 11) conv11 = out;
  }
  const pl = params.prediction_layer;
  const feats = [conv11, out];
  let c = out;
  for (let i = 0; i < 8; i++) {
    c = pointwise(c, pl[`conv_${i}`], i % 2 ? 2 : 1);
    push(`prediction/conv_${i}`, c);
    if (i % 2) feats.push(c); // conv_1, conv_3, conv_5, conv_7
  }
  const enc = []; const cls = [];
  feats.forEach((f, i) => {
    const bp = pl[`box_predictor_${i}`];
    assert(f.shape[1] === SSD_HEADS[i][0] && f.shape[2] === SSD_HEADS[i][0], `box predictor ${i} input ${f.shape}`);
    const e = tf.add(tf.conv2d(f, bp.box_encoding_predictor.filters, 1, 'same'), bp.box_encoding_predictor.bias);
    const k = tf.add(tf.conv2d(f, bp.class_predictor.filters, 1, 'same'), bp.class_predictor.bias);
    assert(e.shape[3] === 4 * SSD_HEADS[i][1] && k.shape[3] === 3 * SSD_HEADS[i][1], `box predictor ${i} channels`);
    push(`box_predictor_${i}/box_encoding`, e);
    push(`box_predictor_${i}/class_logits`, k);
    enc.push(tf.reshape(e, [-1, 4]));
    cls.push(tf.reshape(k, [-1, 3]));
  });
  const encT = tf.concat(enc, 0);
  const clsT = tf.concat(cls, 0);
  assert(encT.shape[0] === SSD_NUM_ANCHORS, `anchor count ${encT.shape[0]}`);
  return { enc: encT, logits: clsT };
}

// Decoding with the same tf ops as face-api's outputLayer (must be bit-exact).
function ssdDecodeTf(anchorsT, encT) {
  const a = tf.unstack(tf.transpose(anchorsT, [1, 0]));
  const e = tf.unstack(tf.transpose(encT, [1, 0]));
  const s0 = tf.sub(a[2], a[0]); const s1 = tf.sub(a[3], a[1]);
  const c0 = tf.add(a[0], tf.div(s0, 2)); const c1 = tf.add(a[1], tf.div(s1, 2));
  const d0 = tf.div(tf.mul(tf.exp(tf.div(e[2], 5)), s0), 2);
  const p0 = tf.add(tf.mul(tf.div(e[0], 10), s0), c0);
  const d1 = tf.div(tf.mul(tf.exp(tf.div(e[3], 5)), s1), 2);
  const p1 = tf.add(tf.mul(tf.div(e[1], 10), s1), c1);
  return tf.transpose(tf.stack([tf.sub(p0, d0), tf.sub(p1, d1), tf.add(p0, d0), tf.add(p1, d1)]), [1, 0]);
}

// Plain float32 JS emulation of the decoding (exp via Math.exp rounded to float32).
function ssdDecodeEmulation(anc, enc) {
  const out = new Float32Array(anc.length);
  for (let i = 0; i < anc.length; i += 4) {
    const s0 = fr(anc[i + 2] - anc[i]); const s1 = fr(anc[i + 3] - anc[i + 1]);
    const c0 = fr(anc[i] + fr(s0 / 2)); const c1 = fr(anc[i + 1] + fr(s1 / 2));
    const d0 = fr(fr(fr(Math.exp(fr(enc[i + 2] / 5))) * s0) / 2);
    const p0 = fr(fr(fr(enc[i] / 10) * s0) + c0);
    const d1 = fr(fr(fr(Math.exp(fr(enc[i + 3] / 5))) * s1) / 2);
    const p1 = fr(fr(fr(enc[i + 1] / 10) * s1) + c1);
    out[i] = fr(p0 - d0); out[i + 1] = fr(p1 - d1); out[i + 2] = fr(p0 + d0); out[i + 3] = fr(p1 + d1);
  }
  return out;
}

// The anchors as TF Object Detection API's ssd_anchor_generator makes them
// (num_layers 6, min_scale 0.2, max_scale 0.95, aspect ratios 1, 2, 0.5, 3,
// 0.3333, reduce_boxes_in_lowest_layer, interpolated scale 1.0 at the top).
// Only used to document/verify the stored Output/extra_dim values.
function ssdAnchorsGenerated() {
  const scales = [0, 1, 2, 3, 4, 5].map((i) => 0.2 + ((0.95 - 0.2) * i) / 5).concat([1.0]);
  const out = [];
  SSD_HEADS.forEach(([g], l) => {
    let spec;
    if (l === 0) spec = [[0.1, 1.0], [scales[0], 2.0], [scales[0], 0.5]];
    else {
      spec = [[scales[l], 1.0], [Math.sqrt(scales[l] * scales[l + 1]), 1.0],
        [scales[l], 2.0], [scales[l], 0.5], [scales[l], 3.0], [scales[l], 0.3333]];
    }
    for (let y = 0; y < g; y++) {
      for (let x = 0; x < g; x++) {
        for (const [s, ar] of spec) {
          const h = s / Math.sqrt(ar); const w = s * Math.sqrt(ar);
          const cy = (y + 0.5) / g; const cx = (x + 0.5) / g;
          out.push(cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2);
        }
      }
    }
  });
  return out;
}

function ssdIou(b, i, j) {
  const yminI = Math.min(b[4 * i], b[4 * i + 2]); const xminI = Math.min(b[4 * i + 1], b[4 * i + 3]);
  const ymaxI = Math.max(b[4 * i], b[4 * i + 2]); const xmaxI = Math.max(b[4 * i + 1], b[4 * i + 3]);
  const yminJ = Math.min(b[4 * j], b[4 * j + 2]); const xminJ = Math.min(b[4 * j + 1], b[4 * j + 3]);
  const ymaxJ = Math.max(b[4 * j], b[4 * j + 2]); const xmaxJ = Math.max(b[4 * j + 1], b[4 * j + 3]);
  const areaI = (ymaxI - yminI) * (xmaxI - xminI);
  const areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
  if (areaI <= 0 || areaJ <= 0) return 0.0;
  const ih = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0.0);
  const iw = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0.0);
  const inter = ih * iw;
  return inter / (areaI + areaJ - inter);
}

// Re-implementation of ssdMobilenetv1/nonMaxSuppression.ts (plain doubles).
function ssdNms(boxes, scores, maxOutput, iouThreshold, scoreThreshold) {
  const outputSize = Math.min(maxOutput, scores.length);
  const cand = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] > scoreThreshold) cand.push(i);
  cand.sort((a, b) => (scores[b] - scores[a]) || (a - b)); // V8's sort is stable
  const selected = [];
  for (const i of cand) {
    if (selected.length >= outputSize) break;
    let s = scores[i];
    for (let j = selected.length - 1; j >= 0; --j) {
      const iou = ssdIou(boxes, i, selected[j]);
      if (iou === 0.0) continue;
      s *= iou <= iouThreshold ? 1 : 0;
      if (s <= scoreThreshold) break;
    }
    if (s === scores[i]) selected.push(i);
  }
  return selected;
}

// Re-implementation of SsdMobilenetv1.locateFaces' conversion to photo pixels.
function ssdToPhoto(b, idx, W, H) {
  const sc = SSD_SIZE / Math.max(H, W);
  const rw = Math.round(W * sc); const rh = Math.round(H * sc);
  const padX = SSD_SIZE / rw; const padY = SSD_SIZE / rh;
  const top = Math.max(0, b[4 * idx]) * padY;
  const bottom = Math.min(1.0, b[4 * idx + 2]) * padY;
  const left = Math.max(0, b[4 * idx + 1]) * padX;
  const right = Math.min(1.0, b[4 * idx + 3]) * padX;
  // FaceDetection: Box(relative).rescale({W, H})
  return [left * W, top * H, (right - left) * W, (bottom - top) * H];
}

async function runSsd(faceapi, net, img, W, H, withLayers) {
  const out = { checks: {} };
  const netInput = await faceapi.toNetInput(img);
  const batch = netInput.toBatchTensor(SSD_SIZE, false);
  const batchData = batch.dataSync().slice();
  const emu = preprocessEmulation(img.dataSync(), H, W, SSD_SIZE, false);
  out.checks.input_emulation_max_abs_diff = maxAbsDiff(emu, batchData);
  assert(out.checks.input_emulation_max_abs_diff === 0, 'SSD input: pad+resize emulation mismatch');
  const x = tf.sub(tf.div(tf.cast(batch, 'float32'), 127.5), 1);
  const xData = x.dataSync().slice();
  const xEmu = batchData.map((v) => fr(fr(v / 127.5) - 1));
  out.checks.normalize_emulation_max_abs_diff = maxAbsDiff(xEmu, xData);
  assert(out.checks.normalize_emulation_max_abs_diff === 0, 'SSD normalisation emulation mismatch');
  out.input = { shape: batch.shape.slice(), sha256: sha256F32(batchData), normalized_sha256: sha256F32(xData) };

  const layers = withLayers ? [stats('input', batch, 16), stats('normalized', x, 16)] : null;
  const { enc, logits } = tf.tidy(() => {
    const r = ssdForward(net.params, x, layers, out.checks);
    return { enc: tf.keep(r.enc), logits: tf.keep(r.logits) };
  });
  batch.dispose(); x.dispose();
  const anchorsT = tf.reshape(net.params.output_layer.extra_dim, [-1, 4]);
  const boxesT = ssdDecodeTf(anchorsT, enc);
  const scoresT = tf.sigmoid(tf.slice(logits, [0, 1], [-1, 1])).reshape([-1]);
  const encD = enc.dataSync().slice(); const logD = logits.dataSync().slice();
  const boxes = boxesT.dataSync().slice(); const scores = scoresT.dataSync().slice();
  if (layers) {
    layers.push(stats('box_encodings', enc), stats('class_logits', logits), stats('boxes', boxesT), stats('scores', scoresT));
  }
  [enc, logits, anchorsT, boxesT, scoresT].forEach((t) => t.dispose());

  // face-api's own forward pass must give the same boxes and scores bit for bit
  const ref = net.forwardInput(netInput);
  out.checks.step_by_step_boxes_max_abs_diff = maxAbsDiff(boxes, ref.boxes[0].dataSync());
  out.checks.step_by_step_scores_max_abs_diff = maxAbsDiff(scores, ref.scores[0].dataSync());
  ref.boxes.forEach((t) => t.dispose()); ref.scores.forEach((t) => t.dispose());
  assert(out.checks.step_by_step_boxes_max_abs_diff === 0, 'SSD step-by-step boxes differ from forwardInput');
  assert(out.checks.step_by_step_scores_max_abs_diff === 0, 'SSD step-by-step scores differ from forwardInput');
  // plain JS float32 emulation of the decoding and the sigmoid (informative)
  const anc = net.params.output_layer.extra_dim.dataSync();
  out.checks.decode_emulation_max_abs_diff = maxAbsDiff(ssdDecodeEmulation(anc, encD), boxes);
  out.checks.sigmoid_emulation_max_abs_diff = maxAbsDiff(
    Float32Array.from({ length: SSD_NUM_ANCHORS }, (_, i) => fr(1 / (1 + Math.exp(-logD[3 * i + 1])))), scores);

  // top-K anchors by score (ties: lower index first)
  const order = Array.from({ length: SSD_NUM_ANCHORS }, (_, i) => i)
    .sort((a, b) => (scores[b] - scores[a]) || (a - b)).slice(0, TOP_K);
  out.top = order.map((i) => ({
    anchor: i,
    encoding: Array.from(encD.subarray(4 * i, 4 * i + 4), f32),
    logit: f32(logD[3 * i + 1]),
    score: f32(scores[i]),
    decoded: Array.from(boxes.subarray(4 * i, 4 * i + 4), f32),
  }));

  // NMS + conversion, by hand and by face-api
  const opts = new faceapi.SsdMobilenetv1Options();
  assert(opts.minConfidence === 0.5 && opts.maxResults === 100, 'SsdMobilenetv1Options defaults changed');
  const sel = ssdNms(boxes, scores, opts.maxResults, 0.5, opts.minConfidence);
  const dets = await net.locateFaces(img, opts);
  assert(dets.length === sel.length, `SSD NMS: ${sel.length} by hand vs ${dets.length} by face-api`);
  out.detections = sel.map((idx, k) => {
    const box = ssdToPhoto(boxes, idx, W, H);
    const d = dets[k];
    assert(d.score === scores[idx], 'SSD detection score mismatch');
    assert(JSON.stringify(box) === JSON.stringify([d.box.x, d.box.y, d.box.width, d.box.height]),
      `SSD box mismatch ${JSON.stringify(box)} vs ${JSON.stringify(d.box)}`);
    return { anchor: idx, score: f32(scores[idx]), box: box.map(f32r) };
  });
  out.faceapiDetections = dets;
  out.layers = layers;
  return out;
}

// ==================================================== tiny face detector
function leakyEmulation(d) {
  const k = fr(0.10000000149011612);
  return d.map((v) => { const m = fr(v * k); return fr(Math.max(fr(v - m), 0) + m); });
}

function tinyForward(params, x, layers, checks) {
  const push = (name, t) => { if (layers) layers.push(stats(name, t)); };
  const leaky = (t) => { const m = tf.mul(t, tf.scalar(0.10000000149011612)); return tf.add(tf.relu(tf.sub(t, m)), m); };
  const sep = (t, p) => leaky(tf.add(tf.separableConv2d(tf.pad(t, [[0, 0], [1, 1], [1, 1], [0, 0]]),
    p.depthwise_filter, p.pointwise_filter, [1, 1], 'valid'), p.bias));
  const pre = tf.add(tf.conv2d(x, params.conv0.filters, [1, 1], 'valid'), params.conv0.bias);
  let out = leaky(pre);
  if (checks) checks.leaky_emulation_max_abs_diff = maxAbsDiff(leakyEmulation(pre.dataSync()), out.dataSync());
  push('conv0', out);
  out = tf.maxPool(out, [2, 2], [2, 2], 'same'); push('pool0', out);
  for (let i = 1; i <= 5; i++) {
    out = sep(out, params[`conv${i}`]); push(`conv${i}`, out);
    out = tf.maxPool(out, [2, 2], i < 5 ? [2, 2] : [1, 1], 'same'); push(`pool${i}`, out);
  }
  assert(!params.conv6 && !params.conv7, 'tiny face detector has no conv6/conv7');
  out = tf.add(tf.conv2d(out, params.conv8.filters, [1, 1], 'valid'), params.conv8.bias);
  push('conv8', out);
  return out;
}

const sigmoid = (v) => 1 / (1 + Math.exp(-v));

// Re-implementation of TinyYolov2Base.extractBoxes (plain doubles).
function tinyDecode(o, W, H, scoreThreshold) {
  const sc = TINY_SIZE / Math.max(H, W);
  const rw = Math.round(W * sc); const rh = Math.round(H * sc);
  const inputSize = Math.max(rw, rh);
  const cfx = inputSize / rw; const cfy = inputSize / rh;
  const n = 13; const res = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      for (let a = 0; a < 5; a++) {
        const base = ((row * n + col) * 5 + a) * 5;
        const score = sigmoid(o[base + 4]);
        if (score > scoreThreshold) {
          const ctX = ((col + sigmoid(o[base])) / n) * cfx;
          const ctY = ((row + sigmoid(o[base + 1])) / n) * cfy;
          const w = ((Math.exp(o[base + 2]) * TINY_ANCHORS[a][0]) / n) * cfx;
          const h = ((Math.exp(o[base + 3]) * TINY_ANCHORS[a][1]) / n) * cfy;
          const x = ctX - w / 2; const y = ctY - h / 2;
          // BoundingBox(x, y, x + w, y + h): width/height are recomputed as right - left
          res.push({ row, col, anchor: a, score, box: [x, y, (x + w) - x, (y + h) - y] });
        }
      }
    }
  }
  return res;
}

// Re-implementation of ops/nonMaxSuppression.ts on boxes scaled by inputSize.
function tinyNms(boxes, scores, iouThreshold) {
  const s = boxes.map(([x, y, w, h]) => [x * TINY_SIZE, y * TINY_SIZE, w * TINY_SIZE, h * TINY_SIZE]);
  const iou = (a, b) => {
    const iw = Math.max(0.0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
    const ih = Math.max(0.0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
    const inter = iw * ih;
    return inter / (a[2] * a[3] + b[2] * b[3] - inter);
  };
  let idx = scores.map((v, i) => i).sort((a, b) => (scores[a] - scores[b]) || (a - b)); // ascending, stable
  const pick = [];
  while (idx.length > 0) {
    const cur = idx.pop();
    pick.push(cur);
    idx = idx.filter((i) => iou(s[cur], s[i]) <= iouThreshold);
  }
  return pick;
}

async function runTiny(faceapi, net, img, W, H, withLayers) {
  const out = { checks: {} };
  const opts = new faceapi.TinyFaceDetectorOptions();
  assert(opts.inputSize === TINY_SIZE && opts.scoreThreshold === 0.5, 'TinyFaceDetectorOptions defaults changed');
  const netInput = await faceapi.toNetInput(img);
  const batch = netInput.toBatchTensor(TINY_SIZE, false);
  const batchData = batch.dataSync().slice();
  out.checks.input_emulation_max_abs_diff = maxAbsDiff(preprocessEmulation(img.dataSync(), H, W, TINY_SIZE, false), batchData);
  assert(out.checks.input_emulation_max_abs_diff === 0, 'tiny input: pad+resize emulation mismatch');
  const x = tf.tidy(() => faceapi.normalize(tf.cast(batch, 'float32'), TINY_MEAN).div(255));
  const xData = x.dataSync().slice();
  const mean = TINY_MEAN.map(fr);
  out.checks.normalize_emulation_max_abs_diff = maxAbsDiff(batchData.map((v, i) => fr(fr(v - mean[i % 3]) / 255)), xData);
  assert(out.checks.normalize_emulation_max_abs_diff === 0, 'tiny normalisation emulation mismatch');
  out.input = { shape: batch.shape.slice(), sha256: sha256F32(batchData), normalized_sha256: sha256F32(xData) };

  const layers = withLayers ? [stats('input', batch, 16), stats('normalized', x, 16)] : null;
  const o = tf.tidy(() => tinyForward(net.params, x, layers, withLayers ? out.checks : null));
  const oData = o.dataSync().slice();
  assert(JSON.stringify(o.shape) === '[1,13,13,25]', `tiny output shape ${o.shape}`);
  const ref = net.forwardInput(netInput, TINY_SIZE);
  out.checks.step_by_step_max_abs_diff = maxAbsDiff(oData, ref.dataSync());
  assert(out.checks.step_by_step_max_abs_diff === 0, 'tiny step-by-step output differs from forwardInput');
  [batch, x, o, ref].forEach((t) => t.dispose());

  // all cells (threshold 0) for the top-K list, then the thresholded set
  const all = tinyDecode(oData, W, H, 0);
  const top = all.slice().sort((a, b) => (b.score - a.score)
    || (((a.row * 13 + a.col) * 5 + a.anchor) - ((b.row * 13 + b.col) * 5 + b.anchor))).slice(0, TOP_K);
  out.top = top.map((r) => {
    const base = ((r.row * 13 + r.col) * 5 + r.anchor) * 5;
    return {
      cell: [r.row, r.col], anchor: r.anchor, raw: Array.from(oData.subarray(base, base + 5), f32),
      score: f32r(r.score), rel_box: r.box.map(f32r),
    };
  });
  const cands = tinyDecode(oData, W, H, opts.scoreThreshold);
  const pick = tinyNms(cands.map((c) => c.box), cands.map((c) => c.score), 0.4);
  const dets = await net.locateFaces(img, opts);
  assert(dets.length === pick.length, `tiny NMS: ${pick.length} by hand vs ${dets.length} by face-api`);
  out.detections = pick.map((i, k) => {
    const c = cands[i];
    // ObjectDetection(rel).box = rel * dims; .relativeBox = box * (1/dims); FaceDetection box = that * dims
    const b = c.box;
    const abs = [b[0] * W, b[1] * H, b[2] * W, b[3] * H];
    const rel = [abs[0] * (1 / W), abs[1] * (1 / H), abs[2] * (1 / W), abs[3] * (1 / H)];
    const box = [rel[0] * W, rel[1] * H, rel[2] * W, rel[3] * H];
    const d = dets[k];
    assert(d.score === c.score, 'tiny detection score mismatch');
    assert(JSON.stringify(box) === JSON.stringify([d.box.x, d.box.y, d.box.width, d.box.height]),
      `tiny box mismatch ${JSON.stringify(box)} vs ${JSON.stringify(d.box)}`);
    return { cell: [c.row, c.col], anchor: c.anchor, score: f32r(c.score), box: box.map(f32r) };
  });
  out.layers = layers;
  return out;
}

// ======================================================= landmark net
function landmarkForward(params, x, layers) {
  const push = (name, t) => { if (layers) layers.push(stats(name, t)); };
  const sep = (t, p, s) => tf.add(tf.separableConv2d(t, p.depthwise_filter, p.pointwise_filter, s, 'same'), p.bias);
  const dense = (t, p, first) => {
    const out1 = tf.relu(first ? tf.add(tf.conv2d(t, p.conv0.filters, [2, 2], 'same'), p.conv0.bias) : sep(t, p.conv0, [2, 2]));
    const out2 = sep(out1, p.conv1, [1, 1]);
    const in3 = tf.relu(tf.add(out1, out2));
    const out3 = sep(in3, p.conv2, [1, 1]);
    const in4 = tf.relu(tf.add(out1, tf.add(out2, out3)));
    const out4 = sep(in4, p.conv3, [1, 1]);
    return tf.relu(tf.add(out1, tf.add(out2, tf.add(out3, out4))));
  };
  const fe = params.fe;
  let out = x;
  for (let i = 0; i < 4; i++) { out = dense(out, fe[`dense${i}`], i === 0); push(`dense${i}`, out); }
  out = tf.avgPool(out, [7, 7], [2, 2], 'valid'); push('avg_pool', out);
  out = tf.add(tf.matMul(out.as2D(out.shape[0], -1), params.fc.weights), params.fc.bias);
  push('fc', out);
  return out;
}

// Float32 emulation of FaceLandmark68NetBase.postProcess for one face.
function postProcessEmulation(raw, w, h) {
  const scale = LM_SIZE / Math.max(h, w);
  const iw = w * scale; const ih = h * scale;
  const padX = iw < ih ? Math.abs(iw - ih) / 2 : 0;
  const padY = ih < iw ? Math.abs(iw - ih) / 2 : 0;
  return raw.map((v, i) => fr(fr(fr(v * LM_SIZE) - fr(i % 2 ? padY : padX)) / fr(i % 2 ? ih : iw)));
}

async function runLandmarks(faceapi, img, W, H, file, detResults, withLayers, extra) {
  const lmNet = faceapi.nets.faceLandmark68Net;
  const faces = [];
  let layers = null;
  const checks = {};
  for (let i = 0; i < detResults.length; i++) {
    const r = detResults[i];
    const db = r.detection.box;
    const crop = clipAtImageBorders({ x: db.x, y: db.y, width: db.width, height: db.height }, W, H);
    const apiCrop = db.clipAtImageBorders(W, H);
    assert(JSON.stringify(crop) === JSON.stringify([apiCrop.x, apiCrop.y, apiCrop.width, apiCrop.height]), 'crop box mismatch');
    const [cx, cy, cw, ch] = crop;
    assert(r.landmarks.imageWidth === cw && r.landmarks.imageHeight === ch, 'landmark image dims != crop dims');
    const cropT = tf.slice(img, [cy, cx, 0], [ch, cw, 3]);
    const [apiT] = await faceapi.extractFaceTensors(img, [r.detection]);
    assert(bitEqual(cropT.dataSync(), apiT.dataSync()), 'crop pixels differ from extractFaceTensors');
    apiT.dispose();

    const netInput = await faceapi.toNetInput(cropT);
    const batch = netInput.toBatchTensor(LM_SIZE, true);
    const batchData = batch.dataSync().slice();
    assert(bitEqual(preprocessEmulation(cropT.dataSync(), ch, cw, LM_SIZE, true), batchData), 'landmark input emulation mismatch');
    const rawT = lmNet.runNet(netInput);
    const raw = rawT.dataSync().slice();
    const relT = lmNet.postProcess(rawT, LM_SIZE, [{ width: cw, height: ch }]);
    const rel = relT.dataSync().slice();
    assert(bitEqual(postProcessEmulation(raw, cw, ch), rel), 'postProcess emulation mismatch');
    if (withLayers && i === 0) {
      layers = [stats('input', batch, 16)];
      const mean = LM_MEAN.map(fr);
      const x = tf.tidy(() => faceapi.normalize(tf.cast(batch, 'float32'), LM_MEAN).div(255));
      checks.normalize_emulation_max_abs_diff = maxAbsDiff(batchData.map((v, k) => fr(fr(v - mean[k % 3]) / 255)), x.dataSync());
      assert(checks.normalize_emulation_max_abs_diff === 0, 'landmark normalisation emulation mismatch');
      layers.push(stats('normalized', x, 16));
      const fc = tf.tidy(() => landmarkForward({ fe: lmNet.faceFeatureExtractor.params, fc: lmNet.params.fc }, x, layers));
      checks.step_by_step_vs_runNet_max_abs_diff = maxAbsDiff(fc.dataSync(), raw);
      assert(checks.step_by_step_vs_runNet_max_abs_diff === 0, 'landmark step-by-step differs from runNet');
      layers.push(stats('landmarks_relative', relT, 136));
      fc.dispose(); x.dispose();
    }
    [batch, rawT, relT, cropT].forEach((t) => t.dispose());

    // photo coordinates: FaceLandmarks68(rel, crop dims) then shiftBy(detection box x, y)
    const unshifted = r.unshiftedLandmarks.positions;
    const pts = r.landmarks.positions;
    for (let k = 0; k < 68; k++) {
      const ux = rel[2 * k] * cw; const uy = rel[2 * k + 1] * ch;
      assert(unshifted[k].x === ux && unshifted[k].y === uy, 'unshifted landmark mismatch');
      const px = ((ux - 0) / cw) * cw + db.x; const py = ((uy - 0) / ch) * ch + db.y;
      assert(pts[k].x === px && pts[k].y === py, `landmark ${k} mismatch`);
    }
    // align(): minBbox(positions) padded by 0.2 of its size
    let minX = Infinity; let minY = Infinity; let maxX = 0; let maxY = 0;
    for (const p of pts) {
      if (p.x < minX) minX = p.x;
      if (p.y < minY) minY = p.y;
      if (maxX < p.x) maxX = p.x;
      if (maxY < p.y) maxY = p.y;
    }
    const bw = maxX - minX; const bh = maxY - minY;
    const align = [minX - (bw * 0.2) / 2, minY - (bh * 0.2) / 2, bw + bw * 0.2, bh + bh * 0.2];
    const apiAlign = r.landmarks.align();
    assert(JSON.stringify(align) === JSON.stringify([apiAlign.x, apiAlign.y, apiAlign.width, apiAlign.height]), 'align() mismatch');
    const dl = dlibRect(pts, cw, ch);
    const apiDl = r.landmarks.align(null, { useDlibAlignment: true });
    assert(JSON.stringify([dl.x, dl.y, dl.width, dl.height]) === JSON.stringify([apiDl.x, apiDl.y, apiDl.width, apiDl.height]), 'dlib rect mismatch');
    const dlibBox = clipAtImageBorders(dl, W, H);
    faces.push({
      file,
      ...extra,
      det: i,
      det_box: [db.x, db.y, db.width, db.height].map(f32r),
      crop,
      input_sha256: sha256F32(batchData),
      raw: Array.from(raw, f32),
      points: pts.flatMap((p) => [f32r(p.x), f32r(p.y)]),
      align_box: align.map(f32r),
      dlib_rect: [dl.x, dl.y, dl.width, dl.height],
      dlib_box: dlibBox,
    });
  }
  return { faces, layers, checks };
}

// ================================================================ output
// Arrays of objects one element per line, everything else inline.
function render(obj, indent = ' ') {
  const parts = Object.entries(obj).map(([k, v]) => {
    if (Array.isArray(v) && v.length && typeof v[0] === 'object' && !Array.isArray(v[0])) {
      const items = v.map((e) => (Object.values(e).some((x) => Array.isArray(x) && x.length && typeof x[0] === 'object' && !Array.isArray(x[0]))
        ? render(e, `${indent}  `) : `${indent}  ${JSON.stringify(e)}`));
      return `${indent}"${k}":[\n${items.join(',\n')}\n${indent}]`;
    }
    return `${indent}"${k}":${JSON.stringify(v)}`;
  });
  return `${indent.slice(1)}{\n${parts.join(',\n')}}`;
}

function writeJson(file, obj) {
  const text = `${render(obj)}\n`;
  const back = JSON.parse(text);
  assert(JSON.stringify(back) === JSON.stringify(obj), `${file}: rendering changed the data`);
  fs.writeFileSync(file, text);
  return text.length;
}

// ================================================================== main
async function main() {
  assert(os.endianness() === 'LE', 'hashes are defined over little-endian float32 bytes');
  const modelDir = path.join(faceApiDir, 'model');
  const { faceapi } = await initFaceApi(faceApiDir, { noSimd });
  const { ssdMobilenetv1, tinyFaceDetector, faceLandmark68Net } = faceapi.nets;
  await loadNet(ssdMobilenetv1, modelDir);
  await loadNet(tinyFaceDetector, modelDir);
  await loadNet(faceLandmark68Net, modelDir);

  // stored SSD anchors vs the TF OD API generator rule (informative)
  const anchors = ssdMobilenetv1.params.output_layer.extra_dim.dataSync();
  const anchorGenMaxDiff = maxAbsDiff(ssdAnchorsGenerated(), anchors);
  log(`SSD anchors: stored Output/extra_dim vs generated max abs diff = ${anchorGenMaxDiff}`);
  assert(anchorGenMaxDiff < 1e-6, 'SSD anchors do not follow the documented rule');

  const meta = {
    face_api: FACE_API_VERSION, tfjs: TFJS_VERSION, backend: 'wasm',
  };
  const recognition = JSON.parse(fs.readFileSync(recognitionJson, 'utf8'));

  const ssdPhotos = []; const tinyPhotos = []; const lmFaces = [];
  const ssdChecks = []; const tinyChecks = []; let lmChecks = null;
  let ssdLayers = null; let tinyLayers = null; let lmLayers = null;
  const images = {};
  const dims = {};

  const runCase = async (name, img, W, H, extra, first) => {
    const ssd = await runSsd(faceapi, ssdMobilenetv1, img, W, H, first);
    const tiny = await runTiny(faceapi, tinyFaceDetector, img, W, H, first);
    if (first) { ssdLayers = ssd.layers; tinyLayers = tiny.layers; }
    ssdChecks.push({ case: name, ...ssd.checks });
    tinyChecks.push({ case: name, ...tiny.checks });
    const head = { ...extra, width: W, height: H };
    ssdPhotos.push({ ...head, input: ssd.input, top: ssd.top, detections: ssd.detections });
    tinyPhotos.push({ ...head, input: tiny.input, top: tiny.top, detections: tiny.detections });

    // landmarks on the SSD detections, through face-api's own pipeline
    const res = await faceapi.detectAllFaces(img, new faceapi.SsdMobilenetv1Options()).withFaceLandmarks();
    assert(res.length === ssd.detections.length, 'withFaceLandmarks face count differs');
    res.forEach((r, k) => {
      const d = ssd.faceapiDetections[k];
      assert(r.detection.score === d.score && r.detection.box.x === d.box.x && r.detection.box.y === d.box.y,
        'pipeline detections differ from locateFaces');
    });
    const lm = await runLandmarks(faceapi, img, W, H, extra.file, res, first, extra.case ? { case: extra.case } : {});
    if (first) { lmLayers = lm.layers; lmChecks = lm.checks; }
    lmFaces.push(...lm.faces);
    log(`${name}: ${W}x${H}, SSD ${ssd.detections.length} faces, tiny ${tiny.detections.length} faces`);
    return { ssd, tiny, lm };
  };

  let nSsd = 0; let nTiny = 0;
  for (let n = 1; n <= N_PHOTOS; n++) {
    const file = `sample${n}.jpg`;
    const ppm = readPpm(path.join(ppmDir, `sample${n}.ppm`));
    const { width: W, height: H } = ppm;
    const rgbSha = crypto.createHash('sha256').update(ppm.rgb).digest('hex');
    const rp = recognition.photos.find((p) => p.file === file);
    assert(rp && rp.rgb_sha256 === rgbSha, `${file}: decoded pixels differ from recognition.json`);
    const img = tf.tensor3d(Int32Array.from(ppm.rgb), [H, W, 3], 'int32');
    images[file] = img; dims[file] = [W, H];
    const r = await runCase(file, img, W, H, { file }, n === 1);
    nSsd += r.ssd.detections.length; nTiny += r.tiny.detections.length;
  }
  assert(nSsd === EXPECTED_SSD_FACES, `expected ${EXPECTED_SSD_FACES} SSD faces, got ${nSsd}`);
  assert(lmFaces.length === EXPECTED_SSD_FACES, `expected ${EXPECTED_SSD_FACES} landmark sets, got ${lmFaces.length}`);
  assert(nTiny === EXPECTED_TINY_FACES, `expected ${EXPECTED_TINY_FACES} tiny-detector faces, got ${nTiny}`);

  // the descriptor crops derived here must be the ones in recognition.json
  const ours = lmFaces.map((f) => `${f.file} ${JSON.stringify(f.dlib_box)}`).sort();
  const theirs = recognition.faces.map((f) => `${f.file} ${JSON.stringify(f.box)}`).sort();
  assert(JSON.stringify(ours) === JSON.stringify(theirs), 'dlib boxes differ from recognition.json');

  // ---------------------------------------- synthetic large-face case
  const first = recognition.faces.find((f) => f.file === 'sample1.jpg');
  const [bx, by, bw, bh] = first.box;
  const [W1, H1] = dims['sample1.jpg'];
  const ccx = bx + bw / 2; const ccy = by + bh / 2;
  const hw = (LARGE_FACE_FACTOR * bw) / 2; const hh = (LARGE_FACE_FACTOR * bh) / 2;
  const x0 = Math.max(0, Math.floor(ccx - hw)); const y0 = Math.max(0, Math.floor(ccy - hh));
  const x1 = Math.min(W1, Math.ceil(ccx + hw)); const y1 = Math.min(H1, Math.ceil(ccy + hh));
  const crop = [x0, y0, x1 - x0, y1 - y0];
  const cropImg = tf.slice(images['sample1.jpg'], [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
  const lfExtra = { case: 'large_face', file: 'sample1.jpg', from_box: first.box, crop };
  const lf = await runCase('large_face', cropImg, crop[2], crop[3], lfExtra, false);
  cropImg.dispose();
  const nLargeSsd = lf.ssd.detections.length;

  // ---------------------------------------------------------- write
  fs.mkdirSync(outDir, { recursive: true });
  const splitPhotos = (arr) => ({ photos: arr.filter((p) => !p.case), synthetic: arr.filter((p) => p.case) });
  const sizes = {};
  sizes['detection_ssd.json'] = writeJson(path.join(outDir, 'detection_ssd.json'), {
    generator: 'tests/golden/generate_detect.js',
    ...meta,
    net: 'ssd_mobilenetv1',
    options: { minConfidence: 0.5, maxResults: 100, iouThreshold: 0.5, inputSize: SSD_SIZE },
    anchors_vs_generator_max_abs_diff: anchorGenMaxDiff,
    checks: ssdChecks,
    layers_of: 'sample1.jpg',
    layers: ssdLayers,
    ...splitPhotos(ssdPhotos),
  });
  sizes['detection_tiny.json'] = writeJson(path.join(outDir, 'detection_tiny.json'), {
    generator: 'tests/golden/generate_detect.js',
    ...meta,
    net: 'tiny_face_detector',
    options: { inputSize: TINY_SIZE, scoreThreshold: 0.5, iouThreshold: 0.4 },
    checks: tinyChecks,
    layers_of: 'sample1.jpg',
    layers: tinyLayers,
    ...splitPhotos(tinyPhotos),
  });
  const lmFirst = lmFaces[0];
  sizes['landmarks.json'] = writeJson(path.join(outDir, 'landmarks.json'), {
    generator: 'tests/golden/generate_detect.js',
    ...meta,
    net: 'face_landmark_68',
    checks: lmChecks,
    layers_of: { file: lmFirst.file, det: lmFirst.det, crop: lmFirst.crop },
    layers: lmLayers,
    faces: lmFaces.filter((f) => !f.case),
    synthetic: lmFaces.filter((f) => f.case),
  });

  // ---------------------------------------------------------- summary
  const worst = (arr, key) => Math.max(...arr.map((c) => c[key]));
  log(`SSD: ${nSsd} faces in ${N_PHOTOS} photos; large-face crop ${JSON.stringify(crop)}: ${nLargeSsd} faces`);
  log(`tiny: ${nTiny} faces in ${N_PHOTOS} photos; large-face crop: ${lf.tiny.detections.length} faces`);
  log(`landmarks: ${lmFaces.length} faces (${EXPECTED_SSD_FACES} photo faces + ${lmFaces.length - EXPECTED_SSD_FACES} synthetic)`);
  log('checks (all cases): input pad+resize and normalisation emulations bit-exact; step-by-step == face-api; '
    + 'NMS and box conversion re-implementations == face-api');
  log(`  SSD decode emulation (Math.exp) max abs diff ${worst(ssdChecks, 'decode_emulation_max_abs_diff')}, `
    + `sigmoid emulation max abs diff ${worst(ssdChecks, 'sigmoid_emulation_max_abs_diff')}, `
    + `batchNorm emulation max abs diff ${worst(ssdChecks.filter((c) => 'batchnorm_emulation_max_abs_diff' in c), 'batchnorm_emulation_max_abs_diff')}`);
  log(`  tiny leaky emulation max abs diff ${tinyChecks[0].leaky_emulation_max_abs_diff}`);
  for (const [f, s] of Object.entries(sizes)) log(`wrote ${path.join(outDir, f)} (${s} bytes)`);
  Object.values(images).forEach((t) => t.dispose());
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
