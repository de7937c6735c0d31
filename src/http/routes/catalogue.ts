import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Category,
  CategoryBody,
  CategoryPatch,
  Product,
  ProductBody,
  ProductPatch,
  ProductQuery,
  SkuBody,
  SkuPatch,
  TillSku,
  TillSkuQuery,
} from '../../core/catalogue/catalogue.schema.ts';
import { searchTillSkus } from '../../core/catalogue/catalogue.service.ts';
import { importCatalogue } from '../../core/catalogue/catalogue-import.service.ts';
import {
  createCategory,
  listCategories,
  presentCategory,
  updateCategory,
} from '../../core/catalogue/category.service.ts';
import {
  addSku,
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
  updateSku,
} from '../../core/catalogue/product.service.ts';
import { discardUpload, type StoredUpload, saveUpload } from '../../core/imports/import-file.ts';
import { DomainError } from '../../lib/errors.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['catalogue'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

const ImportResult = Type.Object({
  products_created: Type.Integer(),
  skus_created: Type.Integer(),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer(),
      field: Type.String(),
      code: Type.String(),
      message: Type.String(),
    }),
  ),
});

export const catalogueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/catalogue/categories',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Product categories, by code: what points rules and coupon scopes choose from',
        response: { 200: Type.Array(Category) },
      },
    },
    async (request) => (await listCategories(app.db, request.ctx)).map(presentCategory),
  );

  app.post(
    '/catalogue/categories',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'A product category; its code never changes',
        body: CategoryBody,
        response: { 201: Category, ...errors },
      },
    },
    async (request, reply) => {
      const c = await inTransaction(app.db, (trx) =>
        createCategory(trx, request.ctx, request.body),
      );
      return reply.code(201).send(presentCategory(c));
    },
  );

  app.patch(
    '/catalogue/categories/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Rename a category',
        params: IdParams,
        body: CategoryPatch,
        response: { 200: Category, ...errors },
      },
    },
    async (request) =>
      presentCategory(
        await inTransaction(app.db, (trx) =>
          updateCategory(trx, request.ctx, request.params.id, request.body),
        ),
      ),
  );

  app.get(
    '/catalogue/products',
    {
      config: { permission: 'members.read' },
      schema: {
        tags,
        summary: 'Products with their SKUs, newest first',
        description:
          'Filters: part of the name (q), category code, a SKU barcode, a store selling a SKU.',
        querystring: ProductQuery,
        response: { 200: Page(Product), 400: ErrorResponse },
      },
    },
    async (request) => listProducts(app.db, request.ctx, request.query),
  );

  app.post(
    '/catalogue/products',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'A product with its SKUs (spec, price, barcode, stores that sell it)',
        body: ProductBody,
        response: { 201: Product, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createProduct(trx, request.ctx, request.body))),
  );

  app.get(
    '/catalogue/products/:id',
    {
      config: { permission: 'members.read' },
      schema: { tags, params: IdParams, response: { 200: Product, 404: ErrorResponse } },
    },
    async (request) => getProduct(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/catalogue/products/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Rename, recategorise, withdraw a product or exempt it from tier discounts',
        params: IdParams,
        body: ProductPatch,
        response: { 200: Product, ...errors },
      },
    },
    async (request) =>
      inTransaction(app.db, (trx) =>
        updateProduct(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.post(
    '/catalogue/products/:id/skus',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Add a SKU to a product',
        params: IdParams,
        body: SkuBody,
        response: { 201: Product, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await inTransaction(app.db, (trx) =>
            addSku(trx, request.ctx, request.params.id, request.body),
          ),
        ),
  );

  app.patch(
    '/catalogue/skus/:id',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Change a SKU: spec, price, barcode, active, stores (null = every store)',
        params: IdParams,
        body: SkuPatch,
        response: { 200: Product, ...errors },
      },
    },
    async (request) =>
      inTransaction(app.db, (trx) => updateSku(trx, request.ctx, request.params.id, request.body)),
  );

  app.get(
    '/catalogue/skus',
    {
      config: { permission: 'loyalty.operate' },
      schema: {
        tags,
        summary: 'Sellable SKUs for the till: by exact barcode or part of the name, in a store',
        description:
          'Active SKUs of active products, sold in store_id when given, ordered by name; at most limit (20).',
        querystring: TillSkuQuery,
        response: { 200: Type.Array(TillSku), 400: ErrorResponse },
      },
    },
    async (request) => searchTillSkus(app.db, request.ctx, request.query),
  );

  app.post(
    '/catalogue/import',
    {
      config: { permission: 'loyalty.admin' },
      schema: {
        tags,
        summary: 'Import products and SKUs from CSV or XLSX (multipart `file`), one row per SKU',
        description:
          'Columns: 商品名称/name, 分类编码/category (an existing code), 价格（元）/price, and optional ' +
          '规格/spec, 条码/barcode, 会员折扣/tier_discountable (是/否). Bad rows are reported by line and ' +
          'skipped; the good rows are written in one transaction.',
        consumes: ['multipart/form-data'],
        response: { 200: ImportResult, 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => {
      let upload: StoredUpload | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type !== 'file') continue;
          if (upload) throw new DomainError('request.invalid', { field: 'file' });
          upload = await saveUpload(part.file, part.filename || 'upload', app.config.dataDir);
        }
      } catch (e) {
        if (upload) await discardUpload(upload);
        throw e;
      }
      if (!upload) throw new DomainError('request.invalid', { field: 'file' });
      return importCatalogue(app.db, request.ctx, upload);
    },
  );
};
