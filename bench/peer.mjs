// The peer of bench/lives.sh: the npm `bpmn-engine` (an open-source BPMN
// workflow engine a county might otherwise pick) running a four-task process
// — apply, accept, approve, deliver, each a user task completed by a signal —
// with its state saved durably after every completed task: the engine's own
// `getState()`, serialised and appended to a file that is `fdatasync`ed
// before the next task is signalled (as onetrip answers a step only once
// its transaction is on stable storage). The process definition is parsed
// once and shared by every instance.
//
//   node bench/peer.mjs SECS CLIENTS WORKERS DIR
//
// WORKERS worker threads (one per core: Node runs JavaScript on one core per
// thread), each with CLIENTS/WORKERS instances in flight at a time; prints
// one JSON line: instances completed, per second, tasks per second.
import { open } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../tests/package.json'));
const TASKS = ['apply', 'accept', 'approve', 'deliver'];

const SOURCE = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="life" targetNamespace="http://onetrip.example/bench">
  <process id="caseLife" isExecutable="true">
    <startEvent id="start" />
    ${TASKS.map((t) => `<userTask id="${t}" name="${t}" />`).join('\n    ')}
    <endEvent id="end" />
    <sequenceFlow id="f0" sourceRef="start" targetRef="${TASKS[0]}" />
    ${TASKS.map((t, i) => `<sequenceFlow id="f${i + 1}" sourceRef="${t}" targetRef="${TASKS[i + 1] || 'end'}" />`).join('\n    ')}
  </process>
</definitions>`;

async function worker({ secs, clients, dir, index }) {
  const { Engine } = require('bpmn-engine');
  const { default: BpmnModdle } = await import(require.resolve('bpmn-moddle'));
  const moddleContext = await new BpmnModdle().fromXML(SOURCE);
  const end = Date.now() + secs * 1000;
  let lives = 0, tasks = 0, errors = 0, firstError = null;

  async function client(k) {
    const fh = await open(path.join(dir, `state-${index}-${k}.jsonl`), 'a');
    try {
      for (let n = 0; Date.now() < end; n++) {
        const engine = new Engine({ name: `life-${index}-${k}-${n}`, moddleContext });
        const listener = new EventEmitter();
        const waiting = [];
        let wake = null;
        listener.on('wait', (api) => { waiting.push(api); if (wake) { wake(); wake = null; } });
        const ended = new Promise((resolve, reject) => { engine.once('end', resolve); engine.once('error', reject); });
        try {
          await engine.execute({ listener });
          for (const t of TASKS) {
            while (waiting.length === 0) await new Promise((r) => { wake = r; });
            const api = waiting.shift();
            if (api.id !== t) throw new Error(`expected task ${t}, engine waits in ${api.id}`);
            api.signal({ by: 'clerk', task: t });
            const state = await engine.getState();
            await fh.write(JSON.stringify(state) + '\n');
            await fh.datasync();
            tasks++;
          }
          await ended;
          lives++;
        } catch (err) {
          errors++;
          firstError ??= String(err && err.message || err);
        }
      }
    } finally {
      await fh.close();
    }
  }
  const t0 = Date.now();
  await Promise.all(Array.from({ length: clients }, (_, k) => client(k)));
  return { lives, tasks, errors, firstError, seconds: (Date.now() - t0) / 1000 };
}

if (isMainThread) {
  const [secs = '10', clients = '16', workers = '2', dir = '.'] = process.argv.slice(2);
  const nw = Math.max(1, Number(workers));
  const per = Math.max(1, Math.round(Number(clients) / nw));
  const self = fileURLToPath(import.meta.url);
  const results = await Promise.all(Array.from({ length: nw }, (_, index) => new Promise((resolve, reject) => {
    const w = new Worker(self, { workerData: { secs: Number(secs), clients: per, dir, index } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const sum = (k) => results.reduce((a, r) => a + r[k], 0);
  const seconds = Math.max(...results.map((r) => r.seconds));
  console.log(JSON.stringify({
    engine: 'bpmn-engine ' + JSON.parse(readFileSync(path.join(path.dirname(require.resolve('bpmn-engine')), '../package.json'), 'utf8')).version,
    workers: nw, clients: per * nw, seconds,
    instances: sum('lives'), instances_per_s: +(sum('lives') / seconds).toFixed(1),
    tasks_per_s: +(sum('tasks') / seconds).toFixed(1), errors: sum('errors'),
    first_error: results.map((r) => r.firstError).find(Boolean) || null,
  }));
} else {
  parentPort.postMessage(await worker(workerData));
}
