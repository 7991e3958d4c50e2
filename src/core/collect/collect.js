// SPDX-License-Identifier: Apache-2.0
// Ember's collection page: records the microphone, the camera or the
// accelerometer in the browser and posts the sample to the ingestion
// server this page came from, with the API key of the page's own URL.
// Plain JS, no libraries and no requests anywhere else.
//
// URL parameters: key (required), and for scripted use (tests) auto=
// microphone|camera|accelerometer to record at once, label, category,
// length (ms), simulate=1 (accelerometer only: synthetic motion events
// through the same listener, for browsers without a motion sensor).
'use strict';

(function () {
  const TARGET_RATE = 16000; // Hz, what keyword models expect
  const params = new URLSearchParams(location.search);
  const apiKey = params.get('key') || '';
  const $ = (id) => document.getElementById(id);

  function setStatus (text, state) {
    $('status').textContent = text;
    document.body.dataset.state = state;
    // Scripts driving a headless browser read the outcome from its log.
    console.log('ember-collect: ' + state + ': ' + text);
  }

  function progress (fraction) {
    const bar = $('progress');
    bar.hidden = false;
    bar.value = Math.min(1, fraction);
  }

  function secureMessage (what) {
    return what + ' is not available here: ' +
      (window.isSecureContext ? 'this browser does not offer it'
        : 'the page is not a secure context (plain HTTP to another machine)');
  }

  // --- microphone ---------------------------------------------------------

  // Windowed-sinc low-pass and resampling: plain interpolation from 44.1 or
  // 48 kHz would fold everything above 8 kHz back into the band.
  function resample (input, fromRate, toRate) {
    if (fromRate === toRate) return input;
    const ratio = fromRate / toRate;
    const n = Math.floor(input.length / ratio);
    const out = new Float32Array(n);
    const cutoff = Math.min(1, 1 / ratio); // of the input's Nyquist frequency
    const half = Math.ceil(8 / cutoff);    // 8 zero crossings each side
    for (let i = 0; i < n; i++) {
      const centre = i * ratio;
      const first = Math.max(0, Math.ceil(centre - half));
      const last = Math.min(input.length - 1, Math.floor(centre + half));
      let sum = 0;
      let weights = 0;
      for (let k = first; k <= last; k++) {
        const d = k - centre;
        const x = Math.PI * d * cutoff;
        const sinc = d === 0 ? 1 : Math.sin(x) / x;
        const hann = 0.5 + 0.5 * Math.cos(Math.PI * d / (half + 1));
        const w = sinc * hann;
        sum += input[k] * w;
        weights += w;
      }
      out[i] = weights !== 0 ? sum / weights : 0;
    }
    return out;
  }

  // 16-bit PCM mono WAV.
  function encodeWav (samples, rate) {
    const buffer = new ArrayBuffer(44 + samples.length * 2);
    const view = new DataView(buffer);
    const text = (offset, s) => { for (let i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i)); };
    text(0, 'RIFF');
    view.setUint32(4, 36 + samples.length * 2, true);
    text(8, 'WAVE');
    text(12, 'fmt ');
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, rate, true);
    view.setUint32(28, rate * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, 'data');
    view.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i++) {
      const v = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(44 + 2 * i, Math.round(v < 0 ? v * 0x8000 : v * 0x7fff), true);
    }
    return new Blob([buffer], { type: 'audio/wav' });
  }

  async function recordMicrophone (lengthMs) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error(secureMessage('The microphone'));
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      video: false
    });
    const context = new (window.AudioContext || window.webkitAudioContext)();
    try {
      if (context.state === 'suspended') await context.resume();
      const source = context.createMediaStreamSource(stream);
      // ScriptProcessor rather than an AudioWorklet: the worklet's module
      // would need a blob: or extra URL, and this runs in every browser.
      const processor = context.createScriptProcessor(4096, 1, 1);
      // Counted in samples, not by a timer: the length is exact however
      // late the callbacks come.
      const need = Math.ceil(context.sampleRate * lengthMs / 1000);
      const captured = new Float32Array(need);
      let got = 0;
      await new Promise((resolve) => {
        processor.onaudioprocess = (event) => {
          if (got >= need) return;
          const data = event.inputBuffer.getChannelData(0);
          const n = Math.min(data.length, need - got);
          captured.set(data.subarray(0, n), got);
          got += n;
          progress(got / need);
          if (got >= need) resolve();
        };
        source.connect(processor);
        // A ScriptProcessor only runs when connected; its output is silence.
        processor.connect(context.destination);
      });
      source.disconnect();
      processor.disconnect();
      setStatus('Encoding…', 'busy');
      return { blob: encodeWav(resample(captured, context.sampleRate, TARGET_RATE), TARGET_RATE), ext: 'wav' };
    } finally {
      stream.getTracks().forEach((t) => t.stop());
      context.close();
    }
  }

  async function decodeAudioFile (file) {
    const context = new (window.AudioContext || window.webkitAudioContext)();
    try {
      const audio = await context.decodeAudioData(await file.arrayBuffer());
      return { blob: encodeWav(resample(audio.getChannelData(0), audio.sampleRate, TARGET_RATE), TARGET_RATE), ext: 'wav' };
    } finally {
      context.close();
    }
  }

  // --- camera -------------------------------------------------------------

  function canvasJpeg (source, width, height) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d').drawImage(source, 0, 0, width, height);
    return new Promise((resolve, reject) => {
      canvas.toBlob((blob) => blob ? resolve({ blob, ext: 'jpg' }) : reject(new Error('cannot encode the JPEG')),
        'image/jpeg', 0.92);
    });
  }

  async function captureCamera () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error(secureMessage('The camera'));
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment', width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false
    });
    const video = $('preview');
    try {
      video.hidden = false;
      video.srcObject = stream;
      await video.play();
      // The first frames can still be black while the camera settles.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < 100 && (video.readyState < 2 || video.videoWidth === 0); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (video.videoWidth === 0) throw new Error('the camera gave no picture');
      return await canvasJpeg(video, video.videoWidth, video.videoHeight);
    } finally {
      stream.getTracks().forEach((t) => t.stop());
      video.srcObject = null;
      video.hidden = true;
    }
  }

  async function imageFile (file) {
    if (file.type === 'image/jpeg' || file.type === 'image/png') {
      return { blob: file, ext: file.type === 'image/png' ? 'png' : 'jpg' };
    }
    const bitmap = await createImageBitmap(file); // HEIC and the like → JPEG
    return canvasJpeg(bitmap, bitmap.width, bitmap.height);
  }

  // --- accelerometer ------------------------------------------------------

  // Synthetic events for browsers without a sensor (headless tests): a
  // slow wave on each axis plus gravity on z, at 62.5 Hz, dispatched to the
  // same listener real events reach.
  function simulateMotion () {
    const interval = 16;
    let t = 0;
    const timer = setInterval(() => {
      t += interval / 1000;
      window.dispatchEvent(new DeviceMotionEvent('devicemotion', {
        accelerationIncludingGravity: {
          x: 2 * Math.sin(2 * Math.PI * 1.5 * t),
          y: 1.5 * Math.cos(2 * Math.PI * 0.7 * t),
          z: 9.81 + 0.5 * Math.sin(2 * Math.PI * 3 * t)
        },
        interval
      }));
    }, interval);
    return () => clearInterval(timer);
  }

  async function recordMotion (lengthMs, simulate) {
    if (!simulate) {
      if (typeof DeviceMotionEvent === 'undefined') throw new Error(secureMessage('The accelerometer'));
      // iOS asks the user, and only from a tap.
      if (typeof DeviceMotionEvent.requestPermission === 'function' &&
          await DeviceMotionEvent.requestPermission() !== 'granted') {
        throw new Error('permission to read the motion sensors was refused');
      }
    }
    const values = [];
    let interval = 0;
    let first = 0;
    let last = 0;
    let stopSimulation = null;
    let listener = null;
    try {
      await new Promise((resolve, reject) => {
        const noEvents = setTimeout(() => reject(new Error(
          'no motion events in 3 s: this device has no accelerometer, or the browser withholds it')), 3000);
        listener = (event) => {
          const a = event.accelerationIncludingGravity;
          if (!a || a.x === null || a.x === undefined) return;
          clearTimeout(noEvents);
          if (values.length === 0) first = event.timeStamp;
          last = event.timeStamp;
          // The sensor's own period; older Safari gives it in seconds.
          if (!interval && event.interval > 0) interval = event.interval < 1 ? event.interval * 1000 : event.interval;
          values.push([a.x, a.y, a.z]);
          const period = interval || (values.length > 1 ? (last - first) / (values.length - 1) : 16);
          progress(values.length * period / lengthMs);
          if (values.length * period >= lengthMs) resolve();
        };
        window.addEventListener('devicemotion', listener);
        if (simulate) stopSimulation = simulateMotion();
      });
    } finally {
      window.removeEventListener('devicemotion', listener);
      if (stopSimulation) stopSimulation();
    }
    if (!interval) interval = values.length > 1 ? (last - first) / (values.length - 1) : 16;
    const document_ = {
      protected: { ver: 'v1', alg: 'none', iat: Math.floor(Date.now() / 1000) },
      signature: '0'.repeat(64),
      payload: {
        device_name: 'browser',
        device_type: simulate ? 'BROWSER_SIMULATED' : 'BROWSER',
        interval_ms: Math.round(interval * 1000) / 1000,
        sensors: [
          { name: 'accX', units: 'm/s2' },
          { name: 'accY', units: 'm/s2' },
          { name: 'accZ', units: 'm/s2' }
        ],
        values: values.map((v) => v.map((x) => Math.round(x * 10000) / 10000))
      }
    };
    return { blob: new Blob([JSON.stringify(document_)], { type: 'application/json' }), ext: 'json' };
  }

  // --- posting ------------------------------------------------------------

  async function post (category, label, sample) {
    const name = label + '.' + Date.now() + '.' + sample.ext;
    const response = await fetch('/api/' + category + '/data', {
      method: 'POST',
      headers: {
        'Content-Type': sample.blob.type || 'application/octet-stream',
        'x-api-key': apiKey,
        'x-label': label,
        'x-file-name': name
      },
      body: sample.blob
    });
    const text = await response.text();
    let answer;
    try {
      answer = JSON.parse(text);
    } catch (e) {
      answer = { success: false, error: 'HTTP ' + response.status + ': ' + text.slice(0, 200) };
    }
    return answer;
  }

  function checkForm (label, category, lengthMs) {
    // Headers carry the label: ISO-8859-1 at best, so keep it to ASCII.
    if (!/^[\x20-\x7e]+$/.test(label) || label.trim() !== label) {
      throw new Error('the label must be printable ASCII, without leading or trailing spaces');
    }
    if (category !== 'training' && category !== 'testing') throw new Error('category must be training or testing');
    if (!(lengthMs >= 100 && lengthMs <= 60000)) throw new Error('length must be 100 to 60000 ms');
  }

  let busy = false;

  async function run (kind, getSample) {
    if (busy) return;
    busy = true;
    $('record').disabled = true;
    $('result').textContent = '';
    $('progress').value = 0;
    try {
      const label = $('label').value;
      const category = $('category').value;
      const lengthMs = Number($('length').value);
      checkForm(label, category, lengthMs);
      setStatus(kind === 'file' ? 'Reading the file…' : 'Recording ' + kind + '…', 'busy');
      const sample = await getSample(lengthMs);
      setStatus('Sending…', 'busy');
      const answer = await post(category, label, sample);
      $('result').textContent = JSON.stringify(answer, null, 2);
      if (answer.success) {
        setStatus('Stored: ' + answer.files.map((f) => f.name).join(', '), 'done');
      } else {
        setStatus('Refused: ' + answer.error, 'error');
      }
    } catch (e) {
      setStatus('Error: ' + (e && e.message ? e.message : String(e)), 'error');
    } finally {
      busy = false;
      $('record').disabled = false;
    }
  }

  function sensorSampler (sensor, simulate) {
    if (sensor === 'camera') return () => captureCamera();
    if (sensor === 'accelerometer') return (lengthMs) => recordMotion(lengthMs, simulate);
    return (lengthMs) => recordMicrophone(lengthMs);
  }

  function selectedSensor () {
    return document.querySelector('input[name="sensor"]:checked').value;
  }

  function showSensorFields () {
    $('length-row').hidden = selectedSensor() === 'camera';
  }

  $('form').addEventListener('submit', (event) => {
    event.preventDefault();
    run(selectedSensor(), sensorSampler(selectedSensor(), false));
  });
  document.querySelectorAll('input[name="sensor"]').forEach((r) => r.addEventListener('change', showSensorFields));
  $('file').addEventListener('change', () => {
    const file = $('file').files[0];
    if (!file) return;
    run('file', () => file.type.startsWith('image/') ? imageFile(file) : decodeAudioFile(file));
  });

  if (!window.isSecureContext) {
    $('insecure').hidden = false;
    $('file-row').hidden = false;
  }

  // Scripted use: fill the form from the URL and record at once.
  for (const name of ['label', 'category', 'length']) {
    if (params.has(name)) $(name).value = params.get(name);
  }
  const auto = params.get('auto');
  if (auto) {
    const radio = document.querySelector('input[name="sensor"][value="' + CSS.escape(auto) + '"]');
    if (!radio) {
      setStatus('Error: auto=' + auto + ' is not microphone, camera or accelerometer', 'error');
    } else {
      radio.checked = true;
      showSensorFields();
      run(auto, sensorSampler(auto, params.get('simulate') === '1'));
    }
  }
})();
