/**
 * The packages install as a user installs them: every public workspace package is packed with
 * pnpm (as for publishing), and the tarballs are installed with plain npm into a fresh project
 * outside the workspace, next to the user's own `fast-check` and `@types/node`. There the
 * README examples (the repository's embedding example, each package README's example and the
 * testing guide's first snippet) typecheck under strict TypeScript (`NodeNext`,
 * `skipLibCheck: false`), the runnable ones run, and the `rcml` command works, also from a
 * global install (`npm i -g` of the CLI tarball and its `@rcml/*` tarballs).
 *
 * Third-party dependencies come from the npm registry (`--prefer-offline` uses npm's cache).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createExampleApp } from '@rcml/example-app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const tsc = join(root, 'node_modules', '.bin', 'tsc');

/** Public packages: folder in the workspace → package name. */
const PACKAGES: Readonly<Record<string, string>> = {
  'packages/core': '@rcml/core',
  'packages/driver': '@rcml/driver',
  'packages/webhook': '@rcml/webhook',
  'packages/replay': '@rcml/replay',
  'packages/api': '@rcml/api',
  'packages/testing': '@rcml/testing',
  'packages/driver-asterisk': '@rcml/driver-asterisk',
  'packages/cli': '@rcml/cli',
  examples: '@rcml/example-app',
};
/** README examples that declare what they need (`declare const engine`) only typecheck. */
const RUNNABLE = new Set(['core', 'webhook', 'replay', 'example-app']);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run a command to its end (bounded by `timeoutMs`); never throws on a non-zero exit. */
function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr: error !== null && stderr === '' ? String(error.message) : stderr });
    });
  });
}
/** Like `run`, failing with the command's output when it exits non-zero. */
async function ok(cmd: string, args: readonly string[], cwd: string, timeoutMs?: number): Promise<string> {
  const result = await run(cmd, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The ```ts code blocks of a markdown text, in order. */
function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

let work = '';
let tarballs: Record<string, string> = {};
const project = () => join(work, 'project');

beforeAll(async () => {
  // The tarballs hold dist/: bring it up to date (incremental, quick when nothing changed).
  await ok(tsc, ['-b'], root, 120_000);
  work = await mkdtemp(join(tmpdir(), 'rcml-pack-'));
  const dest = join(work, 'tarballs');
  // As the README says (the private benchmark package left out).
  await ok(
    npx,
    ['-y', 'pnpm@12.4.2', '-r', '--filter', '!@rcml/bench', 'pack', '--pack-destination', dest],
    root,
    60_000,
  );
  tarballs = Object.fromEntries(
    Object.values(PACKAGES).map((name) => [name, join(dest, `${name.slice(1).replace('/', '-')}-0.1.0.tgz`)]),
  );
  await mkdir(join(project(), 'src'), { recursive: true });
  await writeFile(
    join(project(), 'package.json'),
    JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }),
  );
  await ok(
    npm,
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      ...Object.values(tarballs),
      // The user's own copies, newer than the workspace's (one fast-check for all: a peer).
      'fast-check@^4.11.0',
      '@types/node@^20.19.0',
    ],
    project(),
    120_000,
  );
}, 240_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('packed packages installed with npm', () => {
  it('every public package is packed, and nothing else', () => {
    for (const [name, file] of Object.entries(tarballs)) expect(existsSync(file), name).toBe(true);
    expect(readdirSync(join(work, 'tarballs')).sort()).toEqual(
      Object.values(tarballs)
        .map((f) => basename(f))
        .sort(),
    );
  });

  it('ship their README, LICENSE and registry fields, and nothing that points at unshipped files', () => {
    for (const [folder, name] of Object.entries(PACKAGES)) {
      const dir = join(project(), 'node_modules', name);
      expect(existsSync(join(dir, 'README.md')), `${name} README.md`).toBe(true);
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('MIT License');
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      for (const field of [
        'description',
        'repository',
        'keywords',
        'engines',
        'files',
        'exports',
        'license',
      ]) {
        expect(pkg[field], `${name} package.json ${field}`).toBeDefined();
      }
      expect(pkg.private, name).toBeUndefined();
      expect(pkg.sideEffects, name).toBe(false);
      expect(pkg.repository.directory, name).toBe(folder);
      expect(JSON.stringify(pkg.exports), name).not.toContain('@rcml/source');
      expect(JSON.stringify(pkg), name).not.toContain('workspace:');
      for (const [entry, target] of Object.entries<Record<string, string>>(pkg.exports)) {
        expect(Object.keys(target)[0], `${name} ${entry}: types first`).toBe('types');
        for (const file of Object.values(target))
          expect(existsSync(join(dir, file)), `${name} ${file}`).toBe(true);
      }
      const files = walk(dir).filter((f) => !f.includes(`${name}/node_modules/`));
      expect(
        files.filter((f) => f.endsWith('.tsbuildinfo')),
        name,
      ).toEqual([]);
      for (const map of files.filter((f) => f.endsWith('.map'))) {
        const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
        for (const source of sources) {
          expect(existsSync(resolve(dirname(map), source)), `${relative(dir, map)} → ${source}`).toBe(true);
        }
      }
    }
  });

  it('fast-check is a peer of @rcml/testing: one copy, the user’s', () => {
    const testing = JSON.parse(
      readFileSync(join(project(), 'node_modules/@rcml/testing/package.json'), 'utf8'),
    );
    expect(testing.peerDependencies['fast-check']).toMatch(/^\^4\./);
    expect(testing.dependencies?.['fast-check']).toBeUndefined();
    expect(existsSync(join(project(), 'node_modules/@rcml/testing/node_modules/fast-check'))).toBe(false);
    const user = JSON.parse(readFileSync(join(project(), 'node_modules/fast-check/package.json'), 'utf8'));
    expect(user.version).toMatch(/^4\.(1[1-9]|[2-9]\d)\./);
  });

  it('the README examples typecheck under strict NodeNext without skipLibCheck, and the runnable ones run', async () => {
    const src = join(project(), 'src');
    const app = await createExampleApp();
    try {
      // The repository README's embedding example, pointed at a running example application.
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const embed = tsBlocks(readme.split('## Embedding the engine')[1] ?? '')[0];
      expect(embed, 'README embedding example').toBeDefined();
      await writeFile(
        join(src, 'readme-embed.ts'),
        (embed ?? '').replaceAll('http://127.0.0.1:3000', app.url),
      );
      // Each package README's example.
      const runnable: string[] = ['readme-embed'];
      for (const [folder, name] of Object.entries(PACKAGES)) {
        const short = name.slice('@rcml/'.length);
        tsBlocks(readFileSync(join(root, folder, 'README.md'), 'utf8')).forEach((code, i) => {
          writeFileSync(join(src, `${short}-${i}.ts`), code);
          if (RUNNABLE.has(short)) runnable.push(`${short}-${i}`);
        });
      }
      // The testing guide's first snippet: its own fast-check next to @rcml/testing.
      await writeFile(
        join(src, 'testing-guide.ts'),
        tsBlocks(readFileSync(join(root, 'docs/testing.md'), 'utf8'))[0] ?? '',
      );
      await writeFile(
        join(project(), 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            lib: ['ES2023'],
            types: ['node'],
            strict: true,
            skipLibCheck: false,
            noEmitOnError: true,
            rootDir: 'src',
            outDir: 'out',
          },
          include: ['src'],
        }),
      );
      await ok(tsc, ['-p', '.'], project());

      for (const name of runnable) {
        const out = await ok(process.execPath, [join('out', `${name}.js`)], project(), 30_000);
        if (name === 'core-0') expect(out).toContain("[ 'Say', 'Hangup' ]");
        if (name === 'webhook-0') expect(out.trim()).toBe('true');
        if (name === 'replay-0') expect(out.trim()).toBe('ok');
        if (name === 'example-app-0') expect(out).toMatch(/^completed \[/);
      }
      // The embedding example's call reached the application over real HTTP (its callbacks
      // delivered before shutdown returned).
      const status = app.received.filter((r) => r.path === '/status');
      expect(status.length).toBeGreaterThan(0);
      expect(status[0]?.params.CallSid).toMatch(/^CA[0-9a-f]{32}$/);
    } finally {
      await app.close();
    }
  }, 90_000);

  it('the rcml command runs from the project: validate, replay, demo, fuzz, serve, call; rcml-example-app serves', async () => {
    const rcml = join(project(), 'node_modules', '.bin', 'rcml');
    await writeFile(join(project(), 'ok.xml'), '<Response><Say>Hello</Say></Response>');
    await writeFile(join(project(), 'bad.xml'), '<Response><Sayy>Hello</Sayy></Response>');
    expect(await ok(rcml, ['validate', 'ok.xml'], project())).toContain('ok.xml: valid');
    const bad = await run(rcml, ['validate', 'bad.xml'], project());
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('bad.xml: invalid');
    const replay = await ok(rcml, ['replay', join(root, 'fixtures/replay/spec-examples')], project());
    expect(replay.trimEnd().split('\n').at(-1)).toBe('7 passed, 0 failed');
    expect(await ok(rcml, ['fuzz', '--runs', '10', '--seed', '1'], project())).toContain('violations: none');
    expect(await ok(rcml, ['demo'], project(), 30_000)).toContain('Final status: completed');
    expect(await ok(rcml, ['call', '--help'], project())).toContain('rcml call');
    // serve: up, answering the Calls API, then stopped by SIGINT with exit status 0.
    const serve = spawn(rcml, ['serve', '--port', '0'], { cwd: project() });
    const listening = await new Promise<string>((done, fail) => {
      let text = '';
      const timer = setTimeout(() => fail(new Error(`rcml serve did not start: ${text}`)), 20_000);
      serve.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          done(url);
        }
      });
    });
    const exited = new Promise<number | null>((done) => serve.on('exit', (code) => done(code)));
    const answer = await fetch(`${listening}/2012-04-24/Accounts/AC1/Calls.json`);
    expect(answer.status).toBe(401);
    serve.kill('SIGINT');
    expect(await exited).toBe(0);
    // The example application's own command serves its menu.
    const app = spawn(join(project(), 'node_modules', '.bin', 'rcml-example-app'), ['0'], { cwd: project() });
    const appUrl = await new Promise<string>((done, fail) => {
      let text = '';
      const timer = setTimeout(() => fail(new Error(`rcml-example-app did not start: ${text}`)), 20_000);
      app.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const url = /listening: (http:\/\/\S+)/.exec(text)?.[1];
        if (url !== undefined) {
          clearTimeout(timer);
          done(url);
        }
      });
    });
    const appExited = new Promise<number | null>((done) => app.on('exit', (code) => done(code)));
    const menu = await fetch(appUrl, { method: 'POST', body: new URLSearchParams({ CallSid: 'CA1' }) });
    expect(await menu.text()).toContain('<Gather');
    app.kill('SIGTERM');
    expect(await appExited).toBe(0);
  }, 90_000);

  it('npm i -g of the CLI tarball with its @rcml/* tarballs gives a working rcml', async () => {
    const prefix = join(work, 'global');
    await ok(
      npm,
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...Object.values(tarballs),
      ],
      work,
      120_000,
    );
    const rcml = join(prefix, process.platform === 'win32' ? 'rcml.cmd' : join('bin', 'rcml'));
    expect(await ok(rcml, ['validate', join(project(), 'ok.xml')], work)).toContain('valid');
    expect(await ok(rcml, ['--help'], work)).toContain('demo');
  }, 120_000);
});
