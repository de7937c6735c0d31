import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  DatePicker,
  Flex,
  Form,
  Input,
  Popconfirm,
  Select,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import type { Holiday } from './automation-types.ts';

const YEARS = [2026, 2027, 2028];

/** The merchant's holiday calendar, a year at a time; public holidays can be suggested. */
export function HolidayCalendar() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [year, setYear] = useState(() => Math.max(YEARS[0]!, new Date().getFullYear()));
  const [form] = Form.useForm<{ date: Dayjs; name: string }>();
  const key = ['holidays', year];
  const list = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ items: Holiday[] }>('/holidays', { year }),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['holidays'] });
  const onError = (error: unknown) => void message.error(errorText(error, t));
  const add = useMutation({
    mutationFn: (v: { date: Dayjs; name: string }) =>
      api.post<Holiday>('/holidays', { date: v.date.format('YYYY-MM-DD'), name: v.name }),
    onSuccess: () => {
      form.resetFields();
      refresh();
    },
    onError,
  });
  const seed = useMutation({
    mutationFn: () => api.post<{ added: number }>('/holidays/seed', { year }),
    onSuccess: (r) => {
      void message.success(t('automation.holidays.seeded', { count: r.added }));
      refresh();
    },
    onError,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/holidays/${id}`),
    onSuccess: refresh,
    onError,
  });
  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('automation.holidays.hint')}</Typography.Text>
      <Flex gap={12} wrap align="center">
        <Select
          value={year}
          onChange={setYear}
          options={YEARS.map((y) => ({ value: y, label: y }))}
          aria-label={t('automation.holidays.year')}
        />
        {year <= 2027 && (
          <Button loading={seed.isPending} onClick={() => seed.mutate()} data-testid="holiday-seed">
            {t('automation.holidays.seed')}
          </Button>
        )}
        <Form form={form} layout="inline" onFinish={(v) => add.mutate(v)}>
          <Form.Item name="date" rules={[{ required: true }]}>
            <DatePicker placeholder={t('automation.holidays.date')} />
          </Form.Item>
          <Form.Item name="name" rules={[{ required: true }]}>
            <Input placeholder={t('automation.holidays.name')} maxLength={50} />
          </Form.Item>
          <Button htmlType="submit" loading={add.isPending}>
            {t('automation.holidays.add')}
          </Button>
        </Form>
      </Flex>
      <Table<Holiday>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        pagination={false}
        dataSource={list.data?.items ?? []}
        data-testid="holiday-list"
        columns={[
          { title: t('automation.holidays.date'), dataIndex: 'date' },
          { title: t('automation.holidays.name'), dataIndex: 'name' },
          {
            title: '',
            render: (_, h) => (
              <Popconfirm
                title={t('automation.holidays.remove')}
                onConfirm={() => remove.mutate(h.id)}
              >
                <Button size="small" type="link" danger>
                  {t('automation.holidays.remove')}
                </Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Flex>
  );
}
