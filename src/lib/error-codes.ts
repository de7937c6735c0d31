/** The one table of error codes: HTTP status plus zh-CN and English messages. */
export const errorCodes = {
  'request.invalid': { status: 400, zh: '请求参数不合法', en: 'The request is invalid' },
  'request.not_found': { status: 404, zh: '接口不存在', en: 'No such route' },
  'request.too_large': { status: 413, zh: '上传内容超过大小限制', en: 'The upload is too large' },
  'request.rate_limited': {
    status: 429,
    zh: '请求过于频繁，请稍后再试',
    en: 'Too many requests, try again later',
  },
  'auth.required': { status: 401, zh: '请先登录', en: 'Authentication required' },
  'auth.invalid_credentials': { status: 401, zh: '账号或密码错误', en: 'Wrong login or password' },
  'auth.locked': {
    status: 423,
    zh: '密码错误次数过多，账号已锁定 15 分钟',
    en: 'Too many failed logins; the account is locked for 15 minutes',
  },
  'auth.api_key_invalid': {
    status: 401,
    zh: 'API 密钥无效或已吊销',
    en: 'The API key is invalid or revoked',
  },
  'auth.forbidden': { status: 403, zh: '当前角色无权执行此操作', en: 'Your role may not do this' },
  'auth.scope_missing': {
    status: 403,
    zh: 'API 密钥缺少所需权限范围',
    en: 'The API key lacks the required scope',
  },
  'idempotency.key_required': {
    status: 400,
    zh: '此操作需要 Idempotency-Key 请求头',
    en: 'This operation needs an Idempotency-Key header',
  },
  'idempotency.key_reused': {
    status: 409,
    zh: '该幂等键已用于另一个请求',
    en: 'This Idempotency-Key was used for a different request',
  },
  'merchant.not_found': { status: 404, zh: '商户不存在', en: 'Merchant not found' },
  'merchant.time_zone_invalid': { status: 400, zh: '时区无效', en: 'Unknown time zone' },
  'store.not_found': { status: 404, zh: '门店不存在', en: 'Store not found' },
  'store.code_taken': { status: 409, zh: '门店编码已存在', en: 'The store code is taken' },
  'staff.not_found': { status: 404, zh: '员工不存在', en: 'Staff member not found' },
  'staff.login_taken': { status: 409, zh: '登录名已被使用', en: 'The login name is taken' },
  'staff.password_weak': {
    status: 400,
    zh: '密码至少 8 位，且需包含字母和数字',
    en: 'The password needs 8+ characters with letters and digits',
  },
  'staff.cannot_demote_self': {
    status: 409,
    zh: '不能停用或降级自己的账号',
    en: 'You cannot disable or demote yourself',
  },
  'api_key.not_found': { status: 404, zh: 'API 密钥不存在', en: 'API key not found' },
  'member.not_found': { status: 404, zh: '会员不存在', en: 'Member not found' },
  'member.phone_invalid': {
    status: 400,
    zh: '手机号格式不正确',
    en: 'The phone number is not valid',
  },
  'member.phone_taken': {
    status: 409,
    zh: '该手机号已注册会员',
    en: 'This phone number is already a member',
  },
  'member.identity_taken': {
    status: 409,
    zh: '该渠道身份已绑定其他会员',
    en: 'This channel identity belongs to another member',
  },
  'member.birthday_invalid': { status: 400, zh: '生日不合法', en: 'The birthday is not valid' },
  'member.custom_field_invalid': {
    status: 400,
    zh: '自定义字段的值不合法',
    en: 'A custom field value is not valid',
  },
  'member.not_active': {
    status: 409,
    zh: '会员已合并或已注销',
    en: 'The member was merged or erased',
  },
  'member.merge_same': {
    status: 400,
    zh: '不能将会员与自己合并',
    en: 'A member cannot be merged into itself',
  },
  'member.code_invalid': {
    status: 400,
    zh: '会员码无效或已过期',
    en: 'The member code is invalid or expired',
  },
  'member.cursor_invalid': { status: 400, zh: '分页游标无效', en: 'The page cursor is invalid' },
  'custom_field.key_taken': { status: 409, zh: '字段标识已存在', en: 'The field key is taken' },
  'ledger.insufficient_balance': { status: 409, zh: '余额不足', en: 'Insufficient balance' },
  'import.not_found': { status: 404, zh: '导入任务不存在', en: 'Import job not found' },
  'import.file_type': {
    status: 400,
    zh: '只支持 CSV 或 XLSX 文件',
    en: 'Only CSV or XLSX files are supported',
  },
  'import.no_phone_column': {
    status: 400,
    zh: '文件中找不到手机号列',
    en: 'The file has no phone column',
  },
  'import.empty_file': { status: 400, zh: '文件为空', en: 'The file is empty' },
  'import.encoding_invalid': {
    status: 400,
    zh: '不支持的文件编码',
    en: 'Unsupported file encoding',
  },
  'import.state_invalid': {
    status: 409,
    zh: '导入任务当前状态不允许此操作',
    en: 'The import job is not in a state that allows this',
  },
  'internal.error': { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCodes;
