/**
 * A last, greedy pass after fast-check's shrinking: try removing each optional piece of the
 * scenario (an application URL, a far-end action, a dialled target, a live change, the media
 * and option blocks) and keep the removal when the scenario still fails. fast-check shrinks
 * values; this pass removes whole parts it cannot (a URL nobody requested), so that the
 * counterexample file shows only what the failure needs.
 */
import type { PartyAction, Scenario } from '@rcml/replay';

type Mutable = { -readonly [K in keyof Scenario]: Scenario[K] };

function candidates(scenario: Scenario, keep: (action: PartyAction) => boolean): Scenario[] {
  const out: Scenario[] = [];
  const without = (patch: Partial<Mutable>, drop: (keyof Scenario)[] = []): Scenario => {
    const next: Mutable = { ...scenario, ...patch };
    for (const key of drop) delete next[key];
    return next as Scenario;
  };
  for (const key of Object.keys(scenario.app ?? {})) {
    const { [key]: _gone, ...app } = scenario.app ?? {};
    out.push(without({ app }));
  }
  (scenario.party ?? []).forEach((action, i) => {
    if (keep(action)) return;
    out.push(without({ party: (scenario.party ?? []).filter((__, j) => j !== i) }));
  });
  (scenario.modify ?? []).forEach((_, i) => {
    const modify = (scenario.modify ?? []).filter((__, j) => j !== i);
    out.push(modify.length === 0 ? without({}, ['modify']) : without({ modify }));
  });
  for (const key of Object.keys(scenario.dialed ?? {})) {
    const { [key]: _gone, ...dialed } = scenario.dialed ?? {};
    out.push(Object.keys(dialed).length === 0 ? without({}, ['dialed']) : without({ dialed }));
  }
  if (scenario.media !== undefined) out.push(without({}, ['media']));
  if (scenario.options !== undefined) out.push(without({}, ['options']));
  const params = scenario.call ?? scenario.inbound ?? {};
  for (const key of Object.keys(params)) {
    if (['From', 'To', 'Url'].includes(key)) continue;
    const { [key]: _gone, ...rest } = params;
    out.push(scenario.call !== undefined ? without({ call: rest }) : without({ inbound: rest }));
  }
  return out;
}

/**
 * Remove parts of `scenario` while `fails` still says it fails. `fails` is called at most
 * `budget` times (default 200). Far-end actions for which `keep` says true are never removed
 * (a live counterexample keeps its caller's hang-up, so that it also ends on a fixed application).
 */
export async function minimizeScenario(
  scenario: Scenario,
  fails: (candidate: Scenario) => Promise<boolean>,
  budget = 200,
  keep: (action: PartyAction) => boolean = () => false,
): Promise<Scenario> {
  let current = scenario;
  let list = candidates(current, keep);
  let calls = 0;
  // Candidates before `i` were tried and kept failing to fail; removing a part shifts the
  // later candidates down by one, so the scan continues at the same index.
  let i = 0;
  while (i < list.length && calls < budget) {
    const candidate = list[i] as Scenario;
    calls += 1;
    if (await fails(candidate)) {
      current = candidate;
      list = candidates(current, keep);
    } else {
      i += 1;
    }
  }
  return current;
}
