import { describe, expect, it } from 'vitest';
import { STEPS, caseNoGroups, stepOf, stepStatuses } from '../src/lib/steps.js';

describe('the step bar', () => {
  it('has the five steps', () => {
    expect(STEPS).toEqual(['申请', '受理', '审查', '决定', '办结']);
  });
  it('places each state on its step', () => {
    expect(stepOf('submitted')).toBe(0);
    expect(stepOf('supplement')).toBe(0);
    expect(stepOf('accepted')).toBe(1);
    expect(stepOf('review')).toBe(2);
    expect(stepOf('suspended')).toBe(2);
    expect(stepOf('decide')).toBe(3);
    expect(stepOf('certify')).toBe(4);
    expect(stepOf('done')).toBe(4);
  });
  it('marks done steps, the current one and a stop', () => {
    expect(stepStatuses('review')).toEqual(['finish', 'finish', 'process', 'wait', 'wait']);
    expect(stepStatuses('done')).toEqual(['finish', 'finish', 'finish', 'finish', 'success']);
    expect(stepStatuses('rejected')).toEqual(['error', 'wait', 'wait', 'wait', 'wait']);
    expect(stepStatuses('denied')[3]).toBe('error');
  });
});

describe('case number groups', () => {
  it('splits a 43-character number into its parts', () => {
    const no = '11610929MB1234567X4000104002000202609290001';
    expect(caseNoGroups(no)).toEqual(['11610929MB1234567X', '4', '000104002000', '20260929', '0001']);
    expect(caseNoGroups(no).join('')).toBe(no);
  });
  it('leaves other text whole', () => {
    expect(caseNoGroups('ABC')).toEqual(['ABC']);
    expect(caseNoGroups('')).toEqual([]);
  });
});
