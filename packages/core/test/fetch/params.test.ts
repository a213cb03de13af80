/** The parameters every request about a call carries (spec section 2 and 9.1), exactly. */
import { describe, expect, it } from 'vitest';
import { callParams, geographyOf, geoParams } from '../../src/fetch/params.js';
import { callIdentity } from '../callIdentity.js';

const call = callIdentity();

describe('request parameters', () => {
  it('a plain call sends the section 2 parameters and nothing else', () => {
    expect(callParams(call)).toStrictEqual({
      CallSid: 'CA1',
      AccountSid: 'AC1',
      From: '+15550001',
      To: '+15550002',
      CallStatus: 'in-progress',
      ApiVersion: '2010-04-01',
      Direction: 'inbound',
      Caller: '+15550001',
      Called: '+15550002',
    });
  });

  it('adds CallerName, ForwardedFrom, ParentCallSid and the geographic fields when known', () => {
    const geo = geoParams({ city: 'Paris', country: 'FR' }, { state: 'CA' });
    const params = callParams({
      ...call,
      callerName: 'Ada',
      forwardedFrom: '+15550003',
      parentCallSid: 'CA0',
      geo,
    });
    expect(params).toStrictEqual({
      ...callParams(call),
      CallerName: 'Ada',
      ForwardedFrom: '+15550003',
      ParentCallSid: 'CA0',
      FromCity: 'Paris',
      CallerCity: 'Paris',
      FromCountry: 'FR',
      CallerCountry: 'FR',
      ToState: 'CA',
      CalledState: 'CA',
    });
  });

  it('geographic parameters leave out missing, empty and "null" values; null when nothing is known', () => {
    expect(geoParams(undefined, undefined)).toBeNull();
    expect(geoParams({ city: ' ', state: 'null' }, {})).toBeNull();
    expect(geoParams({ city: ' Lyon ' }, undefined)).toStrictEqual({
      FromCity: 'Lyon',
      CallerCity: 'Lyon',
    });
  });

  it('reads an embedder’s geographic parameters, ignoring blank and non-text values', () => {
    expect(
      geographyOf({ FromCity: 'Paris', ToCity: 'Rome', FromZip: '  ', FromState: 5 }, 'From'),
    ).toStrictEqual({
      city: 'Paris',
    });
    expect(geographyOf({ FromCity: '  ', FromState: 5 }, 'From')).toBeUndefined();
    expect(geographyOf({}, 'To')).toBeUndefined();
  });
});
