import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { v7 } from 'uuid';

/** One legacy member row, the same for the CSV and for the COPY baseline (seeded, repeatable). */
export interface BenchRow {
  phone: string;
  name: string;
  gender: '男' | '女';
  birthday: string;
  card: string;
  principal: string;
  bonus: string;
  points: number;
  registered: string;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强晓梅丹宁欣怡子涵浩然梓轩一诺雨桐';

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

export function* benchRows(count: number): Generator<BenchRow> {
  const rand = prng(20261125);
  const pick = (chars: string) => chars[Math.floor(rand() * chars.length)]!;
  for (let i = 0; i < count; i++) {
    const fen = Math.floor(rand() * 200_000);
    const bonusFen = rand() < 0.5 ? 0 : Math.floor(rand() * 5_000);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    yield {
      phone: String(13_000_000_000 + i),
      name: pick(SURNAMES) + pick(GIVEN) + (rand() < 0.5 ? pick(GIVEN) : ''),
      gender: rand() < 0.5 ? '男' : '女',
      birthday: `${1960 + Math.floor(rand() * 45)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      card: `L${String(10_000_000 + i)}`,
      principal: `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`,
      bonus:
        bonusFen === 0
          ? ''
          : `${Math.floor(bonusFen / 100)}.${String(bonusFen % 100).padStart(2, '0')}`,
      points: rand() < 0.1 ? 0 : Math.floor(rand() * 5_000),
      registered: `20${String(10 + Math.floor(rand() * 15))}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} 10:00:00`,
    };
  }
}

/** Writes lines with backpressure, so generating a million rows keeps memory flat. */
export async function writeLines(path: string, lines: Iterable<string>): Promise<void> {
  const out: WriteStream = createWriteStream(path);
  for (const line of lines) {
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const CSV_HEADER = '手机号,姓名,性别,生日,卡号,余额,赠送余额,积分,注册时间\n';

export function* csvLines(count: number): Generator<string> {
  yield CSV_HEADER;
  for (const r of benchRows(count))
    yield `${r.phone},${r.name},${r.gender},${r.birthday},${r.card},${r.principal},${r.bonus},${r.points},${r.registered}\n`;
}

const fenOf = (yuan: string) => (yuan === '' ? 0 : Math.round(Number(yuan) * 100));

/**
 * The rows the import writes, as COPY input for the baseline: member, its legacy card identity,
 * one opening entry and one balance row per non-zero ledger.
 */
export async function writeCopyFiles(
  count: number,
  merchantId: string,
  files: { member: string; identity: string; entry: string; balance: string },
): Promise<void> {
  const now = new Date().toISOString();
  const outs = Object.fromEntries(
    Object.entries(files).map(([k, path]) => [k, createWriteStream(path)]),
  ) as Record<keyof typeof files, WriteStream>;
  const write = async (out: WriteStream, line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  for (const r of benchRows(count)) {
    const id = v7();
    const gender = r.gender === '男' ? 'male' : 'female';
    await write(
      outs.member,
      `${merchantId},${id},${r.card},+86${r.phone},${r.name},${gender},${r.birthday},import,{},${r.registered}+08,${now}\n`,
    );
    await write(outs.identity, `${merchantId},${v7()},${id},legacy_card,${r.card},${now}\n`);
    const amounts: [string, number][] = [
      ['principal', fenOf(r.principal)],
      ['bonus', fenOf(r.bonus)],
      ['points', r.points],
    ];
    for (const [ledger, amount] of amounts) {
      if (amount <= 0) continue;
      await write(
        outs.entry,
        `${merchantId},${v7()},${id},${ledger},import,${amount},${amount},import_job,bench,system,${now}\n`,
      );
      await write(outs.balance, `${merchantId},${id},${ledger},${amount},${now}\n`);
    }
  }
  await Promise.all(
    Object.values(outs).map(async (out) => {
      out.end();
      await once(out, 'finish');
    }),
  );
}
