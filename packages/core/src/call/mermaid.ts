/**
 * The call machine as a Mermaid state diagram, generated from the machine itself (never drawn
 * by hand): `rcml machine --mermaid` prints it and `rcml demo` writes it with the states its
 * call went through highlighted.
 */
import type { AnyStateMachine } from 'xstate';
import { callMachine } from './callMachine.js';

/** Options of {@link machineToMermaid}. */
export interface MermaidOptions {
  /** State ids (`call.session.verb`) to highlight, e.g. the states one call went through. */
  readonly visited?: ReadonlySet<string>;
}

interface Node {
  readonly id: string;
  readonly key: string;
  readonly type: string;
  readonly states: Record<string, Node>;
  /** Every state node has one (its `target` is empty for atomic and parallel states). */
  readonly initial: { readonly target: readonly Node[] };
  readonly transitions: Map<string, readonly Transition[]>;
  readonly always?: readonly Transition[] | undefined;
}

interface Transition {
  readonly target?: readonly Node[] | undefined;
  readonly guard?: unknown;
}

const AFTER = /^xstate\.after\.([^.]+)\./;

/** A Mermaid state name for a state id (`call.session.verb` → `session_verb`). */
function name(id: string): string {
  return id.replace(/^call\./, '').replace(/\./g, '_');
}

/** How xstate keeps a guard: its name, `{ type, params }`, or a function (inline, `and`, `not`…). */
function guardName(guard: unknown): string | null {
  if (guard === undefined) return null;
  if (typeof guard === 'string') return guard;
  // An inline guard has no name to show.
  if (typeof guard === 'function') return 'guard';
  return String((guard as { type: unknown }).type);
}

function label(event: string, transition: Transition): string {
  const after = AFTER.exec(event);
  const base = after === null ? event : `after ${after[1]}`;
  const guard = guardName(transition.guard);
  return guard === null ? base : `${base} [${guard}]`;
}

/** Render `machine` (default: `callMachine`) as Mermaid `stateDiagram-v2` source, ending with a newline. */
export function machineToMermaid(
  machine: AnyStateMachine = callMachine,
  options: MermaidOptions = {},
): string {
  const lines = ['stateDiagram-v2'];
  // One arrow per pair of states, its events joined (a step's settling events are many).
  const edges = new Map<string, string[]>();
  const edge = (from: string, to: string, text: string) => {
    const key = `${name(from)} --> ${name(to)}`;
    const labels = edges.get(key);
    if (labels === undefined) edges.set(key, [text]);
    else if (!labels.includes(text)) labels.push(text);
  };
  const render = (node: Node, depth: number): void => {
    const pad = '  '.repeat(depth);
    const children = Object.values(node.states);
    const initial = node.initial.target[0];
    if (initial !== undefined) lines.push(`${pad}[*] --> ${name(initial.id)}`);
    for (const child of children) {
      if (Object.keys(child.states).length > 0) {
        lines.push(`${pad}state ${name(child.id)} {`);
        render(child, depth + 1);
        lines.push(`${pad}}`);
      } else if (child.type === 'final') {
        lines.push(`${pad}${name(child.id)} --> [*]`);
      }
    }
    for (const child of children) collect(child);
  };
  const collect = (node: Node): void => {
    for (const [event, transitions] of node.transitions) {
      for (const transition of transitions) {
        for (const target of transition.target ?? []) {
          edge(node.id, target.id, label(event, transition));
        }
      }
    }
    // Stryker disable next-line ArrayDeclaration: iterating ['Stryker was here'] instead of [] draws nothing either (a string has no target)
    for (const transition of node.always ?? []) {
      for (const target of transition.target ?? []) {
        const guard = guardName(transition.guard);
        edge(node.id, target.id, guard === null ? 'always' : `[${guard}]`);
      }
    }
  };
  render(machine.root as unknown as Node, 1);
  for (const [key, labels] of edges) lines.push(`  ${key}: ${labels.join(' / ')}`);
  const visited = options.visited;
  if (visited !== undefined && visited.size > 0) {
    lines.push('  classDef visited fill:#d6f5d6,stroke:#2e7d32,stroke-width:2px');
    for (const id of visited) if (id !== 'call') lines.push(`  class ${name(id)} visited`);
  }
  return `${lines.join('\n')}\n`;
}
