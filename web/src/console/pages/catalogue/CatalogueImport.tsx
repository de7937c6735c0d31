import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Table, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';

interface ImportResult {
  products_created: number;
  skus_created: number;
  errors: { line: number; field: string; code: string; message: string }[];
}

/** Upload a CSV/XLSX of SKUs; the rows refused are listed by line with their reason. */
export function CatalogueImport() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      return api.upload<ImportResult>('/catalogue/import', form);
    },
    onSuccess: (r) => {
      void message.success(
        t('catalogue.imported', { products: r.products_created, skus: r.skus_created }),
      );
      void queryClient.invalidateQueries({ queryKey: ['catalogue', 'products'] });
    },
    onError: (error) => void message.error(error.message),
  });
  const errors = upload.data?.errors ?? [];
  return (
    <>
      <Upload
        accept=".csv,.xlsx"
        showUploadList={false}
        beforeUpload={(file) => {
          upload.mutate(file);
          return false;
        }}
      >
        <Button
          icon={<UploadOutlined />}
          loading={upload.isPending}
          title={t('catalogue.importHelp')}
        >
          {t('catalogue.import')}
        </Button>
      </Upload>
      {errors.length > 0 && (
        <Alert
          type="warning"
          style={{ marginTop: 12 }}
          title={t('catalogue.importErrors', { count: errors.length })}
          description={
            <Table
              size="small"
              rowKey={(e) => `${e.line}-${e.field}`}
              dataSource={errors}
              pagination={false}
              columns={[
                { title: t('catalogue.line'), dataIndex: 'line' },
                { title: t('catalogue.field'), dataIndex: 'field' },
                { title: t('catalogue.reason'), dataIndex: 'message' },
              ]}
            />
          }
        />
      )}
    </>
  );
}
