#!/usr/bin/env node
// The numeric-literal mutator that StrykerJS lacks (docs/testing.md, "Mutation testing"):
// for each number literal of a source file, one at a time, replace it (n → n + 1, 0 → 1,
// 1 → 0) in a private copy of the repository and run the tests; a literal whose change no
// test notices is a survivor. Constants in code that runs at import time are covered too,
// since every mutant loads the module afresh.
//
//   npm run mutate:numbers -- packages/core/src/callbacks/callbackQueue.ts
//   npm run mutate:numbers -- packages/core/src/document/limits.ts --tests packages/core/test/document
//   npm run mutate:numbers -- <file> --lines 10-40      # only literals on these lines
//   npm run mutate:numbers -- <file> --list             # list the mutants, run nothing
//
// Tests: `--tests <paths>` (comma-separated), else the files of vitest.stryker.config.ts. The
// copy lives in .stryker-tmp/numbers-<pid> (removed afterwards); the working tree is never
// touched. Exit status 0 when every literal was caught, 1 when some survived, 2 on misuse.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makePrivateCopy, removePrivateCopy, runCopyTests } from './lib/privateCopy.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let file;
let tests = [];
let lines = null;
let list = false;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--list') list = true;
  else if (args[i] === '--tests') tests = (args[++i] ?? '').split(',').filter(Boolean);
  else if (args[i] === '--lines') {
    const m = /^(\d+)-(\d+)$/.exec(args[++i] ?? '');
    if (!m) usage('--lines wants from-to, e.g. 10-40');
    lines = [Number(m[1]), Number(m[2])];
  } else if (args[i].startsWith('-')) usage(`unknown option ${args[i]}`);
  else file = args[i];
}
if (!file) usage('name a source file');
if (!/^packages\/(core|webhook)\/src\/.+\.ts$/.test(file) || !existsSync(join(root, file))) {
  usage(`${file} is not a source file under packages/core/src or packages/webhook/src`);
}

function usage(message) {
  console.error(`mutate-numbers: ${message}`);
  console.error('usage: npm run mutate:numbers -- <source file> [--tests a,b] [--lines from-to]');
  process.exit(2);
}

/**
 * Number literals outside comments, strings, template text and regular expressions: a small
 * scanner, enough for this repository's style (no JSX).
 */
function numberLiterals(text) {
  const found = [];
  let i = 0;
  let line = 1;
  let previous = ''; // last significant character, to tell a regex from a division
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') line++;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) if (text[j] === '\n') line++;
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') line++;
        i++;
      }
      i++;
      previous = c;
      continue;
    }
    if (c === '/' && (previous === '' || '(,=:[!&|?{};+-*%<>~^'.includes(previous))) {
      // A regular expression literal: skip to its closing slash (classes may hold one).
      i++;
      let inClass = false;
      while (i < text.length && (text[i] !== '/' || inClass)) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        i++;
      }
      i++;
      while (/[a-z]/.test(text[i] ?? '')) i++;
      previous = '/';
      continue;
    }
    if (/[0-9]/.test(c) && !/[A-Za-z0-9_$.]/.test(text[i - 1] ?? '')) {
      const m = /^(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)n?/.exec(
        text.slice(i),
      );
      if (m) {
        found.push({ index: i, text: m[0], line });
        i += m[0].length;
        previous = '0';
        continue;
      }
    }
    if (!/\s/.test(c)) previous = c;
    i++;
  }
  return found;
}

function replacement(literal) {
  const big = literal.endsWith('n');
  const value = Number((big ? literal.slice(0, -1) : literal).replaceAll('_', ''));
  const next = value === 1 ? 0 : value === 0 ? 1 : value + 1;
  return `${next}${big ? 'n' : ''}`;
}

const source = readFileSync(join(root, file), 'utf8');
const literals = numberLiterals(source).filter(
  (l) => lines === null || (l.line >= lines[0] && l.line <= lines[1]),
);
if (literals.length === 0) {
  console.error(`mutate-numbers: no number literal in ${file}`);
  process.exit(0);
}

if (list) {
  for (const l of literals) console.log(`${file}:${l.line} ${l.text} → ${replacement(l.text)}`);
  process.exit(0);
}

const work = makePrivateCopy(root, 'numbers');
const runTests = () => runCopyTests(root, work, tests).passed;

let code = 0;
try {
  process.stderr.write(
    `mutate-numbers: ${file}, ${literals.length} literal(s); checking the tests pass unchanged... `,
  );
  if (!runTests()) {
    console.error('they fail: fix them first');
    code = 2;
  } else {
    console.error('ok');
    const survivors = [];
    const started = Date.now();
    for (const [n, literal] of literals.entries()) {
      const mutated = replacement(literal.text);
      const text =
        source.slice(0, literal.index) + mutated + source.slice(literal.index + literal.text.length);
      writeFileSync(join(work, file), text);
      const killed = !runTests();
      const where = `${file}:${literal.line} ${literal.text} → ${mutated}`;
      console.error(`[${n + 1}/${literals.length}] ${killed ? 'killed  ' : 'SURVIVED'} ${where}`);
      if (!killed) survivors.push(where);
    }
    writeFileSync(join(work, file), source);
    const killed = literals.length - survivors.length;
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `mutate-numbers: ${file}: ${killed}/${literals.length} killed (${((100 * killed) / literals.length).toFixed(1)} %), ${seconds} s`,
    );
    for (const s of survivors) console.log(`  survived: ${s}`);
    code = survivors.length === 0 ? 0 : 1;
  }
} finally {
  removePrivateCopy(work);
}
process.exit(code);
