import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseBirthday,
  parseFen,
  parseGender,
  parsePoints,
  parseRegisteredAt,
  validateRow,
} from './import.rules.ts';
import { detectDelimiter, detectEncoding, sniffFormat } from './import-file.ts';
import {
  applyMappingOverride,
  mappedColumns,
  normalizeHeader,
  suggestMapping,
  uniqueHeaders,
} from './import-mapping.rules.ts';

describe('import rules', () => {
  it('yuan → fen exactly, by string arithmetic', () => {
    const cases: [string, number | null | 'invalid'][] = [
      ['123.45', 12345],
      ['0.1', 10],
      ['0.07', 7],
      ['1,234.5', 123450],
      ['¥88.80', 8880],
      ['12.300', 1230],
      ['1000', 100000],
      ['', null],
      ['12.345', 'invalid'],
      ['-1', 'invalid'],
      ['1e3', 'invalid'],
      ['abc', 'invalid'],
      ['100000000.01', 'invalid'],
    ];
    for (const [raw, fen] of cases) expect(parseFen(raw), raw).toBe(fen);
  });

  it('any fen amount written as yuan reads back as the same fen (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000 }), (fen) => {
        const yuan = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
        expect(parseFen(yuan)).toBe(fen);
        // the float a spreadsheet would hold prints back to the same fen too
        expect(parseFen(String(fen / 100))).toBe(fen);
      }),
    );
  });

  it('points are whole and non-negative', () => {
    expect(parsePoints('1,200')).toBe(1200);
    expect(parsePoints('12.0')).toBe(12);
    expect(parsePoints('')).toBeNull();
    expect(parsePoints('-5')).toBe('invalid');
    expect(parsePoints('1.5')).toBe('invalid');
  });

  it('gender, birthday and registration time in the forms legacy files use', () => {
    expect(['男', 'M', 'female', '女士', '', '保密', 'X'].map(parseGender)).toEqual([
      'male',
      'male',
      'female',
      'female',
      null,
      null,
      'invalid',
    ]);
    const today = '2026-11-25';
    const birthdays = ['1990-01-02', '1990/1/2', '19900102', '1990.1.2', '1990年1月2日', '32875'];
    for (const raw of birthdays) expect(parseBirthday(raw, today), raw).toBe('1990-01-02');
    expect(parseBirthday('1990-01-02 00:00:00', today)).toBe('1990-01-02');
    for (const raw of ['1990', '1990-13-01', '2023-02-29', '2027-01-01', '1899-12-31', 'abc'])
      expect(parseBirthday(raw, today), raw).toBe('invalid');
    const now = new Date('2026-11-25T00:00:00Z');
    expect(parseRegisteredAt('2020-01-01 10:00', 'Asia/Shanghai', now)).toEqual(
      new Date('2020-01-01T02:00:00Z'),
    );
    expect(parseRegisteredAt('2020-01-01T10:00:00Z', 'Asia/Shanghai', now)).toEqual(
      new Date('2020-01-01T10:00:00Z'),
    );
    // an Excel serial with a time of day: 43831.5 is 2020-01-01 12:00 on the wall clock
    expect(parseRegisteredAt('43831.5', 'Asia/Shanghai', now)).toEqual(
      new Date('2020-01-01T04:00:00Z'),
    );
    expect(parseRegisteredAt('2030-01-01', 'Asia/Shanghai', now)).toBe('invalid');
  });

  it('recognises Chinese and English headers, each target once', () => {
    const headers = uniqueHeaders([
      '\uFEFF手机号码',
      '姓名',
      'Gender',
      '出生日期',
      '会员卡号',
      '余额（元）',
      '赠送金',
      '可用积分',
      '会员等级',
      '所属门店',
      '开卡时间',
      '电话',
      '',
      '姓名',
    ]);
    expect(headers.slice(-3)).toEqual(['电话', '列13', '姓名 (2)']);
    expect(suggestMapping(headers)).toEqual({
      手机号码: 'phone',
      姓名: 'name',
      Gender: 'gender',
      出生日期: 'birthday',
      会员卡号: 'card_no',
      '余额（元）': 'principal',
      赠送金: 'bonus',
      可用积分: 'points',
      会员等级: 'tier',
      所属门店: 'store',
      开卡时间: 'registered_at',
      电话: null,
      列13: null,
      '姓名 (2)': null,
    });
    expect(normalizeHeader(' Phone (必填) ')).toBe('phone');
  });

  it('a mapping override names the bad column', () => {
    const headers = ['手机', '电话', '姓名'];
    const suggested = suggestMapping(headers);
    expect(applyMappingOverride(headers, suggested, { 手机: null, 电话: 'phone' })).toEqual({
      mapping: { 手机: null, 电话: 'phone', 姓名: 'name' },
      problem: undefined,
    });
    expect(applyMappingOverride(headers, suggested, { 电话: 'phone' }).problem).toEqual({
      field: 'mapping.电话',
    });
    expect(applyMappingOverride(headers, suggested, { 地址: 'name' }).problem).toEqual({
      field: 'mapping.地址',
    });
    expect(applyMappingOverride(headers, suggested, { 姓名: 'nickname' }).problem).toEqual({
      field: 'mapping.姓名',
    });
  });

  it('validates a row cell by cell', () => {
    const headers = ['手机号', '姓名', '门店', '余额'];
    const columns = mappedColumns(headers, suggestMapping(headers));
    const env = {
      allowForeignPhone: false,
      zone: 'Asia/Shanghai',
      today: '2026-11-25',
      now: new Date('2026-11-25T00:00:00Z'),
      stores: new Map([
        ['s01', 'store-1'],
        ['旗舰店', 'store-1'],
      ]),
    };
    expect(validateRow(2, ['+86 138-0013-8000', ' 张三 ', 'S01', '1.5'], columns, env)).toEqual({
      row: expect.objectContaining({
        line: 2,
        phone: '+8613800138000',
        name: '张三',
        store_id: 'store-1',
        principal_fen: 150,
        bonus_fen: 0,
      }),
      errors: [],
    });
    expect(validateRow(3, ['', '', '别的店', 'x'], columns, env).errors).toEqual([
      { column: '手机号', code: 'import.phone_missing' },
      { column: '余额', code: 'import.amount_invalid' },
      { column: '门店', code: 'import.store_unknown' },
    ]);
  });

  it('sniffs the format and the encoding by content', () => {
    expect(sniffFormat(Buffer.from('PK\u0003\u0004....'))).toBe('xlsx');
    expect(sniffFormat(Buffer.from('手机号,姓名\r\n'))).toBe('csv');
    expect(sniffFormat(Buffer.from('\u0000a\u0000b'))).toBeUndefined();
    expect(sniffFormat(Buffer.from('%PDF-1.4\n\u0001\u0002'))).toBeUndefined();
    expect(detectEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf8');
    expect(detectEncoding(Buffer.from('手机号'))).toBe('utf8');
    // a UTF-8 character cut by the end of the head is not taken for GBK
    expect(detectEncoding(Buffer.from('手机号').subarray(0, 7))).toBe('utf8');
    expect(detectEncoding(Buffer.from([0xca, 0xd6, 0xbb, 0xfa]))).toBe('gb18030');
    expect(detectDelimiter('手机号\t姓名\t余额')).toBe('\t');
    expect(detectDelimiter('手机号;姓名')).toBe(';');
    expect(detectDelimiter('手机号')).toBe(',');
  });
});
