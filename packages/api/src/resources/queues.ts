/**
 * The Queues resource (create, list, fetch, update `FriendlyName`/`MaxSize`, delete an empty
 * queue) and its Members (list, fetch by `CallSid` or `Front`, dequeue with `Url`/`Method`).
 */
import { type MemberRecord, type QueueRecord, RcmlError, rfc2822 } from '@rcml/core';
import {
  accountPath,
  notAllowed,
  notFound,
  paging,
  type ResourceRequest,
  reportUnimplemented,
  uriSuffix,
  wholeParam,
} from './context.js';
import { resourcePage, sendNoContent, sendOne, sendPage } from './render.js';

function queueResource(queue: QueueRecord, request: ResourceRequest) {
  const base = `${accountPath(request)}/Queues/${encodeURIComponent(queue.sid)}`;
  return {
    sid: queue.sid,
    account_sid: queue.accountSid,
    friendly_name: queue.friendlyName,
    current_size: queue.currentSize,
    max_size: queue.maxSize,
    average_wait_time: queue.averageWaitTime,
    date_created: rfc2822(queue.dateCreated),
    date_updated: rfc2822(queue.dateUpdated),
    uri: `${base}${uriSuffix(request)}`,
    subresource_uris: { members: `${base}/Members${uriSuffix(request)}` },
  };
}

function memberResource(member: MemberRecord, request: ResourceRequest) {
  return {
    call_sid: member.callSid,
    queue_sid: member.queueSid,
    date_enqueued: rfc2822(member.dateEnqueued),
    position: member.position,
    wait_time: member.waitTime,
    uri: `${accountPath(request)}/Queues/${encodeURIComponent(member.queueSid)}/Members/${encodeURIComponent(member.callSid)}${uriSuffix(request)}`,
  };
}

/** Serve `[Queues]`, `[Queues, QU…]`, `[Queues, QU…, Members]`, `[Queues, QU…, Members, CA…|Front]`. */
export async function serveQueues(request: ResourceRequest): Promise<boolean> {
  const { segments } = request.match;
  if (segments[0] !== 'Queues') return false;
  const queues = request.engine.queues;
  const { accountSid } = request.match;
  const { method } = request;
  if (segments.length === 1) {
    if (method === 'POST') {
      const params = await request.body();
      const name = params.FriendlyName;
      if (name === undefined || name.trim() === '') {
        throw new RcmlError(20001, 'FriendlyName is required', { field: 'FriendlyName' });
      }
      const maxSize = wholeParam(params, 'MaxSize', 1000, 1, 5000);
      reportUnimplemented(request, params, ['FriendlyName', 'MaxSize']);
      sendOne(
        request.res,
        request.format,
        'Queue',
        queueResource(queues.create(accountSid, name, maxSize), request),
        201,
      );
      return true;
    }
    if (method !== 'GET') throw notAllowed(method, 'GET or POST');
    const name = request.query.FriendlyName;
    const page = queues.list({
      accountSid,
      ...paging(request.query),
      ...(name ? { friendlyName: name } : {}),
    });
    sendPage(
      request.res,
      request.format,
      { key: 'queues', list: 'Queues', item: 'Queue' },
      resourcePage(
        page,
        (q) => queueResource(q, request),
        `${accountPath(request)}/Queues${uriSuffix(request)}`,
        name ? { FriendlyName: name } : undefined,
      ),
    );
    return true;
  }
  const queueSid = segments[1]!;
  const queue = queues.get(queueSid);
  // Another account's queue is indistinguishable from a missing one.
  if (queue === undefined || queue.accountSid !== accountSid) throw notFound(`queue ${queueSid}`);
  if (segments.length === 2) {
    if (method === 'GET') {
      sendOne(request.res, request.format, 'Queue', queueResource(queue, request));
    } else if (method === 'POST') {
      const params = await request.body();
      reportUnimplemented(request, params, ['FriendlyName', 'MaxSize']);
      const changes = {
        ...(params.MaxSize === undefined
          ? {}
          : { maxSize: wholeParam(params, 'MaxSize', queue.maxSize, 1, 5000) }),
        ...(params.FriendlyName === undefined ? {} : { friendlyName: params.FriendlyName }),
      };
      sendOne(request.res, request.format, 'Queue', queueResource(queues.update(queueSid, changes), request));
    } else {
      queues.remove(queueSid);
      sendNoContent(request.res);
    }
    return true;
  }
  if (segments[2] !== 'Members' || segments.length > 4) return false;
  if (segments.length === 3) {
    if (method !== 'GET') throw notAllowed(method, 'GET');
    const page = queues.members(queueSid, paging(request.query));
    sendPage(
      request.res,
      request.format,
      { key: 'queue_members', list: 'QueueMembers', item: 'QueueMember' },
      resourcePage(
        page,
        (m) => memberResource(m, request),
        `${accountPath(request)}/Queues/${encodeURIComponent(queueSid)}/Members${uriSuffix(request)}`,
      ),
    );
    return true;
  }
  const callSid = segments[3]!;
  if (method === 'GET') {
    const member = queues.member(queueSid, callSid);
    if (member === undefined) throw notFound(`member ${callSid} of queue ${queueSid}`);
    sendOne(request.res, request.format, 'QueueMember', memberResource(member, request));
    return true;
  }
  if (method !== 'POST') throw notAllowed(method, 'GET or POST');
  const params = await request.body();
  const url = params.Url;
  if (url === undefined || !/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new RcmlError(20001, 'Url must be an absolute http(s) URL', { field: 'Url' });
  }
  reportUnimplemented(request, params, ['Url', 'Method']);
  const methodParam = params.Method ?? 'POST';
  if (methodParam !== 'GET' && methodParam !== 'POST') {
    throw new RcmlError(20001, `Method must be GET or POST, got "${methodParam.slice(0, 20)}"`, {
      field: 'Method',
    });
  }
  const member = queues.dequeue(queueSid, callSid, url, methodParam);
  sendOne(request.res, request.format, 'QueueMember', memberResource(member, request));
  return true;
}
