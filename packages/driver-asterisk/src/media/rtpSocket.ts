/**
 * One UDP socket for one ARI external media channel: Asterisk sends the channel's audio to it
 * as RTP (`external_host`), and the driver sends audio back from it to the channel's own RTP
 * port (`UNICASTRTP_LOCAL_ADDRESS`/`_PORT`), so Asterisk's strict RTP sees the address it
 * was told. Until that address is known, replies go to where packets come from.
 */
import { createSocket } from 'node:dgram';
import { decodeRtp, type RtpPacket } from './rtp.js';

/** An open RTP socket. */
export interface RtpSocket {
  /** The address Asterisk sends to (`external_host`). */
  readonly host: string;
  readonly port: number;
  /** Send packets to Asterisk's end of the channel from now on. */
  connectTo(host: string, port: number): void;
  /** Send one packet (dropped while no peer is known or after `close`). */
  send(packet: Uint8Array): void;
  /** Close the socket; no packet is delivered after it. */
  close(): void;
}

/** Open a socket on `host` (an ephemeral port); `onPacket` gets every RTP packet received. */
export function openRtpSocket(host: string, onPacket: (packet: RtpPacket) => void): Promise<RtpSocket> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let peer: { host: string; port: number } | null = null;
  let closed = false;
  socket.on('message', (datagram, from) => {
    if (closed) return;
    const packet = decodeRtp(datagram);
    if (packet === null) return;
    peer ??= { host: from.address, port: from.port };
    onPacket(packet);
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => {
      socket.off('error', reject);
      // A send to a port nobody listens on yet (ICMP unreachable) must not crash anything.
      socket.on('error', () => undefined);
      resolve({
        host,
        port: socket.address().port,
        connectTo(h, p) {
          peer = { host: h, port: p };
        },
        send(packet) {
          if (closed || peer === null) return;
          socket.send(packet, peer.port, peer.host);
        },
        close() {
          if (closed) return;
          closed = true;
          socket.close();
        },
      });
    });
  });
}
