import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { withRemainder } from './PaymentPanel.tsx';
import { isNetworkError, listTotal, quoteSale, type Sale, saleBody } from './till-api.ts';

/** A value that settles `ms` after its last change (compared as text, so objects work). */
function useDebounced(value: string | null, ms: number): string | null {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The live quote of a sale, 300 ms after the cashier stops typing. The tenders follow the last
 * quoted due amount (the last tender takes the rest) and are quoted too, so the trace shows
 * them. With no answer from the server the till falls back to list prices: `offline`.
 */
export function useSaleQuote(sale: Sale, storeId: string | null) {
  const [quotedDue, setQuotedDue] = useState<number | null>(null);
  const [offline, setOffline] = useState(false);
  const dueFen =
    offline || quotedDue === null || sale.lines.length === 0 ? listTotal(sale.lines) : quotedDue;
  const tenderDueFen = Math.max(dueFen - (sale.member ? sale.stored_value_fen : 0), 0);
  const payable = withRemainder(sale.tenders, tenderDueFen);
  const bodyText = useDebounced(
    storeId && sale.lines.length > 0
      ? JSON.stringify(saleBody({ ...sale, tenders: payable }, storeId))
      : null,
    300,
  );
  const quote = useQuery({
    queryKey: ['till-quote', bodyText],
    queryFn: () => quoteSale(JSON.parse(bodyText ?? '{}')),
    enabled: bodyText !== null,
    placeholderData: (previous) => previous,
    retry: false,
    // offline the quote must fail (not pause) so the till falls back to list prices
    networkMode: 'always',
  });
  useEffect(() => {
    setOffline(quote.isError && isNetworkError(quote.error));
    if (quote.data && !quote.isError) setQuotedDue(quote.data.due_fen);
  }, [quote.data, quote.isError, quote.error]);
  return { quote, offline, dueFen, tenderDueFen, payable, forget: () => setQuotedDue(null) };
}
