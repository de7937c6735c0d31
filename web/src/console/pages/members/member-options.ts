import type { Gender } from '../../wire-types.ts';

// The choices a member's profile offers, apart from the form that edits it: the list's filters
// use them without fetching the form's components.
export const CHANNELS = [
  'store',
  'wechat',
  'mini_program',
  'online_shop',
  'meituan',
  'import',
  'api',
];
export const GENDERS: Gender[] = ['male', 'female', 'unknown'];
