/**
 * The Mermaid diagram of a machine (`rcml machine --mermaid`, `rcml demo`): every state and
 * every drawn transition of the machine, its nested and final states, in Mermaid's
 * `stateDiagram-v2` syntax.
 */
import { describe, expect, it } from 'vitest';
import { type AnyStateMachine, setup } from 'xstate';
import { callMachine } from '../../src/call/callMachine.js';
import { machineToMermaid } from '../../src/call/mermaid.js';

/** A small machine with one of each thing the diagram draws. */
const sample = setup({
  guards: { isReady: () => true, hasParams: (_, _params: { n: number }) => true, isStuck: () => false },
  delays: { patience: 5 },
}).createMachine({
  id: 'call',
  initial: 'idle',
  states: {
    idle: {
      after: { 1000: 'done', patience: 'done' },
      on: {
        GO: { target: 'busy', guard: 'isReady' },
        PARAM: { target: 'busy', guard: { type: 'hasParams', params: { n: 1 } } },
        INLINE: { target: 'busy', guard: () => true },
        // Two unnamed guards to the same state: one label.
        TWICE: [
          { target: 'done', guard: () => false },
          { target: 'done', guard: () => true },
        ],
        PLAIN: 'done',
        // No target: nothing to draw.
        NOTE: { actions: () => undefined },
      },
    },
    busy: {
      initial: 'working',
      states: {
        working: {
          always: [
            { guard: 'isStuck', target: 'stuck' },
            { guard: () => false, actions: () => undefined },
          ],
          on: { DONE: '#call.done' },
        },
        stuck: { initial: 'deep', states: { deep: { type: 'final' } }, always: { target: 'working' } },
      },
    },
    both: { type: 'parallel', states: { left: {}, right: {} } },
    done: { type: 'final' },
  },
});

const SAMPLE = `stateDiagram-v2
  [*] --> idle
  state busy {
    [*] --> busy_working
    state busy_stuck {
      [*] --> busy_stuck_deep
      busy_stuck_deep --> [*]
    }
  }
  state both {
  }
  done --> [*]
  busy_working --> done: DONE
  busy_working --> busy_stuck: [isStuck]
  busy_stuck --> busy_working: always
  idle --> busy: GO [isReady] / PARAM [hasParams] / INLINE [guard]
  idle --> done: TWICE [guard] / PLAIN / after 1000 / after patience
`;

describe('the Mermaid diagram of a machine', () => {
  it('draws initial, nested and final states, and one labelled arrow per pair of states', () => {
    expect(machineToMermaid(sample)).toBe(SAMPLE);
  });

  it('highlights the visited states, never the machine itself', () => {
    const visited = new Set(['call', 'call.busy', 'call.busy.working']);
    expect(machineToMermaid(sample, { visited })).toBe(
      `${SAMPLE}  classDef visited fill:#d6f5d6,stroke:#2e7d32,stroke-width:2px
  class busy visited
  class busy_working visited
`,
    );
  });

  it('highlights nothing, and declares no style, when no state was visited', () => {
    expect(machineToMermaid(sample, { visited: new Set() })).toBe(SAMPLE);
  });

  it("only the call machine's own id is left out of state names", () => {
    const other = setup({}).createMachine({
      id: 'line',
      initial: 'call',
      states: { call: { initial: 'ringing', states: { ringing: {} } } },
    });
    expect(machineToMermaid(other)).toBe(`stateDiagram-v2
  [*] --> line_call
  state line_call {
    [*] --> line_call_ringing
  }
`);
  });
});

interface StateNodeLike {
  readonly id: string;
  readonly states: Record<string, StateNodeLike>;
  readonly transitions: Map<string, readonly { readonly target?: readonly StateNodeLike[] }[]>;
  readonly always?: readonly { readonly target?: readonly StateNodeLike[] }[];
}

function allStates(node: StateNodeLike): StateNodeLike[] {
  return Object.values(node.states).flatMap((child) => [child, ...allStates(child)]);
}

const diagramName = (id: string) => id.replace(/^call\./, '').replace(/\./g, '_');

describe('the Mermaid diagram of the call machine', () => {
  const diagram = machineToMermaid();
  const lines = diagram.split('\n');

  it('is the diagram of callMachine by default', () => {
    expect(machineToMermaid(callMachine as AnyStateMachine)).toBe(diagram);
  });

  it('shows every state of the machine, and every transition that changes state', () => {
    const states = allStates(callMachine.root as unknown as StateNodeLike);
    expect(states.length).toBeGreaterThan(20);
    for (const state of states) expect(diagram).toMatch(new RegExp(`\\b${diagramName(state.id)}\\b`));
    for (const state of states) {
      for (const [event, transitions] of state.transitions) {
        for (const transition of transitions) {
          for (const target of transition.target ?? []) {
            const arrow = `  ${diagramName(state.id)} --> ${diagramName(target.id)}: `;
            const line = lines.find((l) => l.startsWith(arrow));
            expect(line, `${state.id} → ${target.id} on ${event}`).toBeDefined();
            const shown = event.replace(/^xstate\.after\.([^.]+)\..*$/, 'after $1');
            expect(line).toContain(shown);
          }
        }
      }
      for (const transition of state.always ?? []) {
        for (const target of transition.target ?? []) {
          expect(
            lines.some((l) => l.startsWith(`  ${diagramName(state.id)} --> ${diagramName(target.id)}: `)),
          ).toBe(true);
        }
      }
    }
  });

  it('is exactly the flow of the call, state by state', () => {
    expect(diagram).toBe(`stateDiagram-v2
  [*] --> queued
  state dialing {
    [*] --> dialing_initiated
  }
  state session {
    [*] --> session_starting
    state session_stopping {
      [*] --> session_stopping_forRedirect
    }
  }
  completed --> [*]
  busy --> [*]
  failed --> [*]
  noAnswer --> [*]
  canceled --> [*]
  dialing_initiated --> dialing_ringing: CHANNEL.RINGING
  session_stopping_forRedirect --> session_fetching: DIGITS.DONE / FETCH.DONE / FETCH.FAILED / VERB.DONE / VERB.FAILED / STEP.ABORTED
  session_stopping_forRedirect --> session_stopping_forEnd: END
  session_stopping_forEnd --> session_endRequested: DIGITS.DONE / FETCH.DONE / FETCH.FAILED / VERB.DONE / VERB.FAILED / STEP.ABORTED
  session_starting --> session_sendingDigits: [hasDigitsToSend]
  session_starting --> session_fetching: always
  session_sendingDigits --> session_fetching: DIGITS.DONE
  session_sendingDigits --> session_stopping: REDIRECT
  session_sendingDigits --> session_stopping_forEnd: END
  session_fetching --> session_verb: FETCH.DONE [hasVerbs]
  session_fetching --> completed: FETCH.DONE
  session_fetching --> session_fallingBack: FETCH.FAILED [hasFallback]
  session_fetching --> session_failing: FETCH.FAILED
  session_fetching --> session_stopping: REDIRECT
  session_fetching --> session_stopping_forEnd: END
  session_fallingBack --> session_verb: FETCH.DONE [hasVerbs]
  session_fallingBack --> completed: FETCH.DONE
  session_fallingBack --> session_failing: FETCH.FAILED
  session_fallingBack --> session_stopping: REDIRECT
  session_fallingBack --> session_stopping_forEnd: END
  session_verb --> session_fetching: VERB.DONE [fetchesNext]
  session_verb --> busy: VERB.DONE [rejectedBusy]
  session_verb --> noAnswer: VERB.DONE [rejected]
  session_verb --> completed: VERB.DONE
  session_verb --> session_failing: VERB.FAILED
  session_verb --> session_stopping: REDIRECT
  session_verb --> session_stopping_forEnd: END
  session_verb --> session_afterHangup: CHANNEL.HANGUP [finishesItself] / CHANNEL.HANGUP
  session_afterHangup --> completed: DIGITS.DONE / FETCH.DONE / FETCH.FAILED / VERB.DONE / VERB.FAILED / STEP.ABORTED
  session_afterHangup --> session_requesting: VERB.DONE [fetchesNext]
  session_requesting --> completed: REQUEST.DONE
  session_failing --> completed: [isAnswered]
  session_failing --> failed: always
  session_endRequested --> completed: [isAnswered]
  session_endRequested --> canceled: always
  queued --> dialing: DIAL
  queued --> session: ARRIVE
  queued --> canceled: END
  dialing --> detecting: CHANNEL.ANSWERED [awaitsDetection]
  dialing --> session: CHANNEL.ANSWERED
  dialing --> busy: CHANNEL.BUSY
  dialing --> failed: CHANNEL.FAILED / DRIVER.FAILED
  dialing --> noAnswer: CHANNEL.HANGUP / after ringTimeout
  dialing --> canceled: END
  detecting --> session: CHANNEL.DETECTED / after detectionTimeout
  detecting --> completed: CHANNEL.HANGUP / END [endsCompleted]
  detecting --> busy: CHANNEL.BUSY
  detecting --> failed: CHANNEL.FAILED
  detecting --> canceled: END
  session --> session_afterHangup: CHANNEL.HANGUP
`);
  });
});
