import { describe, expect, it } from 'vitest';
import {
  DELIVERY, LEVELS, daysText, depthCodes, elementValue, label, labels, visitsText,
} from '../src/components/catalog/labels.js';
import { fmtDay, fmtTime } from '../src/lib/format.js';

describe('catalogue labels', () => {
  it('looks codes up, numbers and strings alike', () => {
    expect(label(LEVELS, 4)).toBe('县级');
    expect(label(LEVELS, '4')).toBe('县级');
    expect(label(LEVELS, 99)).toBe(99);
    expect(labels(DELIVERY, ['window', 'e_licence'])).toBe('窗口领取、电子证照');
    expect(labels(DELIVERY, null)).toBe('');
  });
  it('words time limits and visits', () => {
    expect(daysText(-1)).toBe('法律法规未规定');
    expect(daysText(null)).toBe('法律法规未规定');
    expect(daysText(0)).toBe('即时办结');
    expect(daysText(20)).toBe('20个工作日');
    expect(visitsText(0)).toBe('零跑动');
    expect(visitsText(1)).toBe('1次');
    expect(visitsText(-1)).toBe('—');
  });
  it('reads online depth codes', () => {
    expect(depthCodes('3^4^5')).toEqual([3, 4, 5]);
    expect(depthCodes('')).toEqual([]);
    expect(depthCodes([1, '2'])).toEqual([1, 2]);
  });
  it('shows element values for the version differences', () => {
    expect(elementValue('level', 4)).toBe('县级');
    expect(elementValue('promised_days', 0)).toBe('即时办结');
    expect(elementValue('delivery', ['post'])).toBe('邮寄送达');
    expect(elementValue('stationed', true)).toBe('是');
    expect(elementValue('name', '')).toBe('（空）');
  });
});

describe('dates', () => {
  it('formats Unix seconds, not milliseconds', () => {
    const s = Date.UTC(2026, 8, 28, 2, 0) / 1000; // 10:00 in UTC+8
    expect(fmtTime(s)).toMatch(/^2026-09-28 \d\d:00$/);
    expect(fmtTime(0)).toBe('');
  });
  it('writes a day with its weekday', () => {
    expect(fmtDay('2026-10-09')).toBe('2026年10月9日（星期五）');
    expect(fmtDay('2026-10-09', false)).toBe('2026年10月9日');
    expect(fmtDay('bad')).toBe('bad');
  });
});
