/** Deterministic, realistic-looking member data for the demo merchant (a seeded PRNG). */
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
export const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆帅旭宁欣怡佳琪梓涵子轩一诺依晨雨桐可馨若曦思远嘉怡';
export const PREFIXES = [
  '138',
  '139',
  '136',
  '137',
  '135',
  '150',
  '151',
  '152',
  '158',
  '159',
  '186',
  '187',
  '188',
  '177',
  '181',
  '189',
  '199',
];
export const CHANNELS = [
  'store',
  'store',
  'store',
  'wechat',
  'wechat',
  'mini_program',
  'online_shop',
  'meituan',
];

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoMember {
  phone: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  birthday: string | null;
  source_channel: string;
  store_index: number;
  registered_at: Date;
  points: number;
  principal_fen: number;
  marketing_consent: boolean;
}

export function demoMember(random: () => number, index: number, now: Date): DemoMember {
  const pick = <T>(items: readonly T[] | string): T =>
    items[Math.floor(random() * items.length)] as T;
  const givenLength = random() < 0.6 ? 2 : 1;
  let name = pick<string>(SURNAMES);
  for (let i = 0; i < givenLength; i++) name += pick<string>(GIVEN);
  // index in the middle digits keeps demo phones unique
  const phone = `+86${pick(PREFIXES)}${String(index).padStart(8, '0')}`;
  const year = 1960 + Math.floor(random() * 45);
  const month = 1 + Math.floor(random() * 12);
  const day = 1 + Math.floor(random() * 28);
  const daysAgo = Math.floor(random() * random() * 1500);
  const hasBalance = random() < 0.25;
  return {
    phone,
    name,
    gender: random() < 0.62 ? 'female' : random() < 0.95 ? 'male' : 'unknown',
    birthday:
      random() < 0.85
        ? `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
        : null,
    source_channel: pick(CHANNELS),
    store_index: Math.floor(random() * 3),
    registered_at: new Date(
      now.getTime() - daysAgo * 86_400_000 - Math.floor(random() * 86_400_000),
    ),
    points: random() < 0.7 ? Math.floor(random() * 3000) : 0,
    principal_fen: hasBalance ? Math.floor(random() * 50) * 1000 : 0,
    marketing_consent: random() < 0.7,
  };
}
