import { describe, expect, it } from 'vitest';
import { blankElements, blankMaterial, checkElements } from '../src/components/catalog/validate.js';

function complete() {
  return {
    ...blankElements('白河县市场监督管理局'),
    basic_code: '000104002000',
    impl_code: '11610929MB1234567X4000104002000',
    name: '食品经营许可',
    legal_basis: '《中华人民共和国食品安全法》',
    conditions: '有与经营的食品品种相适应的场所',
    result_name: '食品经营许可证',
    visit_reason: '现场核查经营场所',
    consult_phone: '0915-7812345',
    materials: [{ ...blankMaterial(), name: '营业执照' }],
  };
}

describe('item element checks (same messages as the server)', () => {
  it('passes a complete item', () => {
    expect(checkElements(complete(), false)).toBeNull();
  });
  it('lets a draft leave required fields empty but not malformed', () => {
    expect(checkElements({ ...blankElements(), name: '' }, true)).toBeNull();
    expect(checkElements({ ...blankElements(), basic_code: 'abc' }, true)).toEqual({
      field: 'basic_code', message: '基本编码须为12位数字或大写字母（如 000104002000）',
    });
  });
  it('names the first missing field when submitting', () => {
    expect(checkElements({ ...complete(), name: '' }, false)).toEqual({ field: 'name', message: '请填写事项名称' });
    expect(checkElements({ ...complete(), delivery: [] }, false).field).toBe('delivery');
  });
  it('checks material rows by index', () => {
    const el = complete();
    el.materials.push({ ...blankMaterial(), name: '营业执照' });
    expect(checkElements(el, false)).toEqual({ field: 'materials[1].name', message: '申请材料“营业执照”重复' });
    el.materials[1] = { ...blankMaterial(), name: '身份证', copies: 100 };
    expect(checkElements(el, false).field).toBe('materials[1].copies');
  });
  it('checks numbers, phones and addresses', () => {
    expect(checkElements({ ...complete(), promised_days: 721 }, false).field).toBe('promised_days');
    expect(checkElements({ ...complete(), consult_phone: '12' }, false).field).toBe('consult_phone');
    expect(checkElements({ ...complete(), online_url: 'ftp://x' }, false).field).toBe('online_url');
    expect(checkElements({ ...complete(), visits: 2, visit_reason: '' }, false).field).toBe('visit_reason');
    expect(checkElements({ ...complete(), name: '名'.repeat(101) }, false).message).toBe('事项名称不能超过 100 个字');
  });
});
