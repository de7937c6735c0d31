import { describe, expect, it } from 'vitest';
import { mapColumns, normalizeHeader, parseRow } from './catalogue-import.rules.ts';

describe('catalogue import rules', () => {
  it('maps zh-CN and English headers, the unit in brackets ignored', () => {
    expect(normalizeHeader('价格（元）')).toBe('价格');
    expect(normalizeHeader(' Price (yuan) ')).toBe('price');
    expect(mapColumns(['条码', '商品名称', '分类编码', '价格（元）'])).toEqual({
      index: { barcode: 0, name: 1, category: 2, price: 3 },
      missing: [],
    });
    expect(mapColumns(['name', 'spec']).missing).toEqual(['category', 'price']);
  });

  it('reads a row exactly in fen and refuses each bad cell with its column', () => {
    const index = { name: 0, category: 1, price: 2, barcode: 3, tier_discountable: 4 };
    expect(parseRow(2, ['拿铁', 'coffee', '28.5', '', '是'], index)).toEqual({
      line: 2,
      name: '拿铁',
      category: 'coffee',
      spec: '',
      price_fen: 2850,
      barcode: null,
      tier_discountable: true,
    });
    // the codes points rules already hold, Chinese ones included (the demo's 蛋糕)
    expect(parseRow(4, ['生日蛋糕', '蛋糕', '168', '', ''], index)).toMatchObject({
      category: '蛋糕',
    });
    expect(parseRow(3, ['金', 'gold', '0.1', 'A1', ''], index)).toMatchObject({
      price_fen: 10,
      tier_discountable: undefined,
    });
    const problem = (values: string[]) => parseRow(9, values, index);
    expect(problem(['', 'c', '1', '', ''])).toEqual({
      line: 9,
      field: 'name',
      code: 'catalogue.import_name_missing',
    });
    expect(problem(['x', 'a b', '1', '', ''])).toMatchObject({ field: 'category' });
    expect(problem(['x', 'c', '1.001', '', ''])).toMatchObject({ field: 'price' });
    expect(problem(['x', 'c', '', '', ''])).toMatchObject({ field: 'price' });
    expect(problem(['x', 'c', '-1', '', ''])).toMatchObject({ field: 'price' });
    expect(problem(['x', 'c', '1', 'a b', ''])).toMatchObject({ field: 'barcode' });
    expect(problem(['x', 'c', '1', '', 'maybe'])).toMatchObject({ field: 'tier_discountable' });
  });
});
