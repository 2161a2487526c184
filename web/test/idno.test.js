import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar, creditCodeValid, maskId, mobileValid, passwordProblem, personCheckChar, personIdValid,
} from '../src/lib/idno.js';

describe('居民身份证号码 (GB 11643)', () => {
  it('computes the MOD 11-2 check character', () => {
    expect(personCheckChar('11010519491231002')).toBe('X');
    expect(personCheckChar('61092919900307001')).toBe(personCheckChar('61092919900307001'));
    expect(personCheckChar('1101051949123100')).toBe('');
  });
  it('accepts a valid number and refuses a wrong check character', () => {
    expect(personIdValid('11010519491231002X')).toBe(true);
    expect(personIdValid('110105194912310021')).toBe(false);
    expect(personIdValid('11010519491231002x')).toBe(false); // lower-case x is normalised by the form first
  });
  it('refuses impossible and future birth dates', () => {
    const first17 = (d) => '610929' + d + '001';
    const withCheck = (d) => first17(d) + personCheckChar(first17(d));
    expect(personIdValid(withCheck('20000229'))).toBe(true);
    expect(personIdValid(withCheck('19000229'))).toBe(false);
    expect(personIdValid(withCheck('19901301'))).toBe(false);
    expect(personIdValid(withCheck('29990101'))).toBe(false);
    expect(personIdValid(withCheck('18991231'))).toBe(false);
  });
  it('refuses what is not a string of 18', () => {
    expect(personIdValid(undefined)).toBe(false);
    expect(personIdValid(11010519491231002)).toBe(false);
    expect(personIdValid('')).toBe(false);
  });
});

describe('统一社会信用代码 (GB 32100)', () => {
  it('computes the MOD 31 check character', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(creditCodeValid('91350100M000100Y43')).toBe(true);
    expect(creditCodeValid('91350100M000100Y44')).toBe(false);
  });
  it('refuses letters outside the code set', () => {
    expect(creditCodeCheckChar('91350100I000100Y4')).toBe('');
    expect(creditCodeValid('91350100O000100Y43')).toBe(false);
    expect(creditCodeValid('short')).toBe(false);
  });
});

describe('mobile, password, masking', () => {
  it('checks a mobile number', () => {
    expect(mobileValid('13800138000')).toBe(true);
    expect(mobileValid('23800138000')).toBe(false);
    expect(mobileValid('1380013800')).toBe(false);
  });
  it('names the password problem in Chinese', () => {
    expect(passwordProblem('short')).toBe('密码至少 8 位');
    expect(passwordProblem('abcdefgh')).toMatch(/至少三类/);
    expect(passwordProblem('Abcdefg1')).toBe('');
    expect(passwordProblem('Aa1' + 'x'.repeat(130))).toMatch(/过长/);
  });
  it('masks ID numbers and mobiles, leaves logins', () => {
    expect(maskId('11010519491231002X')).toBe('110105********002X');
    expect(maskId('13800138000')).toBe('138****8000');
    expect(maskId('clerk01')).toBe('clerk01');
    expect(maskId(null)).toBe('');
  });
});
