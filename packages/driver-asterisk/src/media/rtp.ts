/**
 * RTP (RFC 3550) packets as ARI external media sends and takes them: a 12-byte header (version
 * 2, no CSRCs from us), payload type 0 (PCMU, 8 kHz μ-law), a sequence number that steps by one
 * per packet, a timestamp in samples (160 per 20 ms frame) and a fixed SSRC per stream leg.
 * Decoding accepts what a peer may add (CSRCs, a header extension, padding).
 */

/** RTP payload type of G.711 μ-law (PCMU), 8 kHz. */
export const PCMU = 0;

/** Length of the fixed RTP header. */
export const RTP_HEADER_BYTES = 12;

/** The header fields of one packet. */
export interface RtpHeader {
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequence: number;
  /** 32-bit timestamp in samples. */
  readonly timestamp: number;
  /** 32-bit synchronisation source. */
  readonly ssrc: number;
  /** The first packet of a talk spurt. */
  readonly marker: boolean;
}

/** A decoded packet. */
export interface RtpPacket extends RtpHeader {
  readonly payload: Uint8Array;
}

/** Build one packet: the 12-byte header then `payload`. */
export function encodeRtp(header: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.alloc(RTP_HEADER_BYTES + payload.length);
  packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequence & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  packet.set(payload, RTP_HEADER_BYTES);
  return packet;
}

/** Parse one datagram; null when it is not an RTP version 2 packet or is cut short. */
export function decodeRtp(datagram: Uint8Array): RtpPacket | null {
  if (datagram.length < RTP_HEADER_BYTES) return null;
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const first = datagram[0] as number;
  if (first >> 6 !== 2) return null;
  const csrcCount = first & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if ((first & 0x10) !== 0) {
    if (datagram.length < offset + 4) return null;
    offset += 4 + 4 * view.getUint16(offset + 2);
  }
  let end = datagram.length;
  if ((first & 0x20) !== 0) end -= datagram[datagram.length - 1] as number;
  if (offset > end) return null;
  const second = datagram[1] as number;
  return {
    marker: (second & 0x80) !== 0,
    payloadType: second & 0x7f,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: datagram.subarray(offset, end),
  };
}

/** Samples of one 20 ms frame at 8 kHz. */
const FRAME_SAMPLES = 160;

/** One 20 ms frame taken out of received packets. */
export interface RtpFrame {
  readonly payload: Uint8Array;
  /** Milliseconds since the first frame, from the RTP timestamps. */
  readonly ms: number;
}

/**
 * Cuts received μ-law packets of any length into 160-byte frames, timed by their RTP
 * timestamps (so a frame's time does not depend on when the datagram arrived). A timestamp
 * jump (lost packets, a new talk spurt) drops the incomplete remainder; an old or repeated
 * packet is ignored.
 */
export class RtpReceiver {
  private base: number | null = null;
  private ssrc: number | null = null;
  /** Bytes waiting for a whole frame, and the timestamp of their first byte. */
  private pending: Uint8Array = new Uint8Array(0);
  private pendingTs = 0;
  /** Timestamp (relative to `base`) the next byte is expected at. */
  private expected = 0;
  private lastMs = -Infinity;

  push(packet: RtpPacket): RtpFrame[] {
    if (packet.payloadType !== PCMU || packet.payload.length === 0) return [];
    if (this.base === null || this.ssrc !== packet.ssrc) {
      // The first packet (or a new source): its timestamp continues from the last frame.
      const restart = this.base === null ? 0 : this.expected;
      this.base = (packet.timestamp - restart) >>> 0;
      this.ssrc = packet.ssrc;
      this.pending = new Uint8Array(0);
      this.expected = restart;
    }
    const ts = (packet.timestamp - this.base) >>> 0;
    // Older than what we have (reordered or repeated): drop it.
    if (ts < this.expected && this.expected - ts < 0x80000000) return [];
    if (ts !== this.expected || this.pending.length === 0) {
      this.pending = new Uint8Array(0);
      this.pendingTs = ts;
    }
    const joined = new Uint8Array(this.pending.length + packet.payload.length);
    joined.set(this.pending, 0);
    joined.set(packet.payload, this.pending.length);
    this.expected = ts + packet.payload.length;
    const frames: RtpFrame[] = [];
    let at = 0;
    while (joined.length - at >= FRAME_SAMPLES) {
      const ms = Math.round((this.pendingTs + at) / 8);
      if (ms > this.lastMs) {
        frames.push({ payload: joined.slice(at, at + FRAME_SAMPLES), ms });
        this.lastMs = ms;
      }
      at += FRAME_SAMPLES;
    }
    this.pending = joined.slice(at);
    this.pendingTs += at;
    return frames;
  }
}

/** Numbers outgoing packets: sequence +1 and timestamp +160 per frame, one SSRC. */
export class RtpSender {
  private sequence: number;
  private timestamp: number;
  private started = false;

  constructor(
    readonly ssrc: number,
    firstSequence = 0,
    firstTimestamp = 0,
  ) {
    this.sequence = firstSequence & 0xffff;
    this.timestamp = firstTimestamp >>> 0;
  }

  /**
   * The packet of one 160-byte frame. `idleFrames` 20 ms slots passed without audio before it
   * (the timestamp moves on by them, as RFC 3550 asks); `startOfSpurt` sets the marker bit.
   */
  packet(payload: Uint8Array, startOfSpurt = false, idleFrames = 0): Buffer {
    if (this.started) this.timestamp = (this.timestamp + FRAME_SAMPLES * (1 + idleFrames)) >>> 0;
    const marker = !this.started || startOfSpurt;
    this.started = true;
    const packet = encodeRtp(
      { payloadType: PCMU, sequence: this.sequence, timestamp: this.timestamp, ssrc: this.ssrc, marker },
      payload,
    );
    this.sequence = (this.sequence + 1) & 0xffff;
    return packet;
  }
}
