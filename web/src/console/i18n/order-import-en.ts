import type { orderImportZhCN } from './order-import-zh-CN.ts';

export const orderImportEn: typeof orderImportZhCN = {
  orderImport: {
    title: 'Order history import',
    kind: 'What to import',
    kindMembers: 'Members',
    kindOrders: 'Orders',
    kindHint:
      'Order file: one order per row, or several rows with one order number as the lines of one order',
    required:
      'An order file needs the order number, paid time, store, amount (or line amount) and a phone or card column mapped',
    award:
      'Award points and growth for the imported orders (only orders within the earn back-date window)',
    awardOff: 'The imported orders award no points or growth',
    orders: 'Orders',
    lines: 'Lines',
    existingOrders: 'Already imported (skipped)',
    members: 'Members',
    guestOrders: 'Guest orders',
    amount: 'Amount (¥)',
    doneSummary: '{{orders}} orders with {{lines}} lines imported; {{bad}} bad rows',
    field: {
      order_no: 'Order number',
      channel: 'Channel',
      paid_at: 'Paid at',
      store: 'Store',
      phone: 'Phone',
      card_no: 'Card no.',
      amount: 'Order amount',
      sku: 'SKU barcode',
      category: 'Category',
      quantity: 'Quantity',
      line_amount: 'Line amount',
    },
  },
};
