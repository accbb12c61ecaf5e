/**
 * The component's data: a product catalog and each customer's orders. Customers are the fixture's users
 * (their customerId is the `sub` of their human tokens, seed 003), so the kit can ask for "alice's orders"
 * without knowing anything about this file.
 */
import type { TestUser } from '../../support/target/target.ts';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly price: number;
  readonly currency: string;
}

/** What only authenticated callers see (GET /catalog/products); the public list leaves it out. */
export interface StockedProduct extends Product {
  readonly stock: number;
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly { readonly productId: string; readonly quantity: number }[];
  readonly total: number;
  readonly currency: string;
}

export const SEED_PRODUCTS: readonly StockedProduct[] = [
  { id: 'prod-0001', name: 'Fibre 500 home broadband', price: 39.99, currency: 'EUR', stock: 120 },
  { id: 'prod-0002', name: 'Mobile unlimited plan', price: 24.5, currency: 'EUR', stock: 800 },
  { id: 'prod-0003', name: 'Wi-Fi mesh router', price: 149, currency: 'EUR', stock: 35 },
];

/** Two orders for the first customer, one for each other: enough to tell one customer's data from another's. */
export function ordersByCustomer(users: readonly TestUser[]): ReadonlyMap<string, readonly Order[]> {
  const byCustomer = new Map<string, Order[]>();
  users.forEach((user, index) => {
    const count = index === 0 ? 2 : 1;
    const orders: Order[] = [];
    for (let n = 1; n <= count; n++) {
      const product = SEED_PRODUCTS[(index + n - 1) % SEED_PRODUCTS.length]!;
      orders.push({
        orderId: `ord-${String(index + 1).padStart(2, '0')}-${n}`,
        customerId: user.customerId,
        items: [{ productId: product.id, quantity: n }],
        total: Math.round(product.price * n * 100) / 100,
        currency: product.currency,
      });
    }
    byCustomer.set(user.customerId, orders);
  });
  return byCustomer;
}
