import { InboxOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Form, Radio, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { ImportJob } from '../../wire-types.ts';

const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030'];

export function UploadStep({ onUploaded }: { onUploaded(job: ImportJob): void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState('auto');
  const [kind, setKind] = useState<'members' | 'orders'>('members');
  const upload = useMutation({
    mutationFn: (chosen: File) => {
      const form = new FormData();
      // the encoding goes before the file: the server reads fields in stream order
      form.append('encoding', encoding);
      form.append('kind', kind);
      form.append('file', chosen, chosen.name);
      return api.upload<ImportJob>('/imports', form);
    },
    onSuccess: onUploaded,
  });
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 640 }}>
      <Space orientation="vertical" size={4}>
        <Space>
          <Typography.Text>{t('orderImport.kind')}</Typography.Text>
          <Radio.Group
            optionType="button"
            value={kind}
            onChange={(e) => setKind(e.target.value)}
            data-testid="import-kind"
            options={[
              { value: 'members', label: t('orderImport.kindMembers') },
              { value: 'orders', label: t('orderImport.kindOrders') },
            ]}
          />
        </Space>
        {kind === 'orders' && (
          <Typography.Text type="secondary">{t('orderImport.kindHint')}</Typography.Text>
        )}
      </Space>
      <Upload.Dragger
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        maxCount={1}
        beforeUpload={(chosen) => {
          setFile(chosen);
          upload.reset();
          return false;
        }}
        onRemove={() => setFile(null)}
        fileList={file ? [{ uid: 'file', name: file.name, status: 'done' }] : []}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{t('imports.upload')}</p>
        <p className="ant-upload-hint">{t('imports.uploadHint')}</p>
      </Upload.Dragger>
      <Form layout="inline">
        <Form.Item label={t('imports.encoding')}>
          <Select
            value={encoding}
            onChange={setEncoding}
            style={{ width: 160 }}
            options={ENCODINGS.map((e) => ({
              value: e,
              label: e === 'auto' ? t('imports.encodingAuto') : e.toUpperCase(),
            }))}
          />
        </Form.Item>
        <Button
          type="primary"
          disabled={!file}
          loading={upload.isPending}
          onClick={() => file && upload.mutate(file)}
        >
          {t('imports.startUpload')}
        </Button>
      </Form>
      {upload.error && (
        <Alert type="error" showIcon title={upload.error.message} data-testid="upload-error" />
      )}
    </Space>
  );
}
