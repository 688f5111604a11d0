// A sequencing LMS in Node: scorm-again's SCORM 2004 API with its sequencing engine (Overall Sequencing
// Process), fed an activity tree, driven step by step as an LMS and its SCOs would drive it.
//
// stdin: {"tree": ActivitySettings, "steps": [step, ...]} where a step is
//   {"do": "start"}                                   the learner launches the course
//   {"do": "sco", "set": {cmi element: value}, "nav": request or null}
//                                                     the delivered SCO initializes, sets these values, asks for
//                                                     a navigation request ("continue", "previous",
//                                                     "{target=ID}choice", "suspendAll", ...) and terminates
// stdout: one JSON report per step: {current, delivered (ids delivered during the step), valid (request_valid
//   for continue and previous as the SCO sees them after Initialize), errors (failed SetValue calls)}.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const { Scorm2004API } = await import(join(here, "..", "..", "node_modules", "scorm-again", "dist", "esm", "scorm2004.js"));

const input = JSON.parse(readFileSync(0, "utf8"));
const delivered = [];
// scorm-again prints each delivery with console.log; stdout carries only the reports
const print = console.log.bind(console);
console.log = () => {};
console.info = () => {};
console.warn = () => {};
console.debug = () => {};

const api = new Scorm2004API({
  logLevel: 5,
  autocommit: false,
  sequencing: {
    activityTree: input.tree,
    autoRollupOnCMIChange: false,
    eventListeners: { onActivityDelivery: (activity) => delivered.push(activity.id) },
  },
});
const service = api.getSequencingService();
const current = () => service.getSequencingState().currentActivity?.id ?? null;

let launches = 0;
const reports = [];
for (const step of input.steps) {
  const before = delivered.length;
  const report = { errors: [] };
  if (step.do === "start") {
    report.ok = api.processNavigationRequest("start");
  } else if (step.do === "sco") {
    if (launches > 0) { api.reset(); }
    launches += 1;
    if (api.Initialize("") !== "true") { report.errors.push(["Initialize", api.GetLastError()]); }
    report.valid = {
      continue: api.GetValue("adl.nav.request_valid.continue"),
      previous: api.GetValue("adl.nav.request_valid.previous"),
    };
    for (const [key, value] of Object.entries(step.set || {})) {
      if (api.SetValue(key, value) !== "true") { report.errors.push([key, api.GetLastError()]); }
    }
    if (step.nav) {
      if (api.SetValue("adl.nav.request", step.nav) !== "true") {
        report.errors.push(["adl.nav.request", api.GetLastError()]);
      }
    }
    if (api.Terminate("") !== "true") { report.errors.push(["Terminate", api.GetLastError()]); }
  } else {
    throw new Error(`unknown step ${JSON.stringify(step)}`);
  }
  report.current = current();
  report.delivered = delivered.slice(before);
  reports.push(report);
}
print(JSON.stringify(reports));
