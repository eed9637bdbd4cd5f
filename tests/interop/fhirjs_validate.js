// FHIR.js (npm "fhir", R4) as a validator for the Python tests: one JSON resource per line
// on stdin, one JSON line per resource on stdout: the error messages ("location: message").
"use strict";
const readline = require("readline");
const { Fhir } = require("fhir");

const fhir = new Fhir();
const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let errors;
  try {
    const result = fhir.validate(JSON.parse(line), { errorOnUnexpected: true });
    errors = result.messages
      .filter((message) => message.severity === "error")
      .map((message) => `${message.location}: ${message.message}`);
  } catch (failure) {
    errors = [`FHIR.js could not read the resource: ${failure.message}`];
  }
  process.stdout.write(JSON.stringify(errors) + "\n");
});
