/**
 * The meeting of a dequeued caller and the agent who took it (`<Dial><Queue>`): the caller
 * runs the `<Queue url>` document, says it is ready (or that it left), then both wait until
 * one side ends the connection.
 */
import type { HttpMethod } from '../document/ast.js';
import type { Channel } from '../ports.js';

/** Who ended a queue connection. */
export type BridgeEnd = 'member' | 'agent';

/** What the bridge is made of. */
export interface QueueBridgeInit {
  readonly queueSid: string;
  readonly memberCallSid: string;
  readonly agentCallSid: string;
  /** Whole seconds the caller waited. */
  readonly queueTime: number;
  /** The `<Queue url>` (resolved), played to the caller before the connection. */
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly memberChannel: Channel;
}

/**
 * A caller taken off a queue by an agent: the handshake between the caller's `<Enqueue>` and
 * the agent's `<Dial><Queue>` (whisper done or caller gone, then who ended the connection).
 */
export class QueueBridge {
  /** Resolves `ready` when the caller may be connected, `gone` when it left first. */
  readonly memberReady: Promise<'ready' | 'gone'>;
  /** Resolves with the side that ended the connection. */
  readonly ended: Promise<BridgeEnd>;
  private settleReady!: (how: 'ready' | 'gone') => void;
  private settleEnd!: (by: BridgeEnd) => void;
  private over = false;

  constructor(readonly init: QueueBridgeInit) {
    this.memberReady = new Promise((resolve) => {
      this.settleReady = resolve;
    });
    this.ended = new Promise((resolve) => {
      this.settleEnd = resolve;
    });
  }

  /** The caller's side: ready to be connected. */
  ready(): void {
    this.settleReady('ready');
  }

  /** The caller left (hung up, or its document failed) before the connection. */
  gone(): void {
    this.settleReady('gone');
    this.end('member');
  }

  /** One side ends the connection (the first call wins). */
  end(by: BridgeEnd): void {
    // Stryker disable next-line ConditionalExpression: a second end re-sets `over` to true and settles an already settled promise: no observable change
    if (this.over) return;
    this.over = true;
    this.settleEnd(by);
  }

  /** Whether the connection has ended. */
  get isOver(): boolean {
    return this.over;
  }
}
