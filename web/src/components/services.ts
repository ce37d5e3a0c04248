import { useEffect, useState } from 'react';
import type { ServiceList, ServiceView } from '../../../src/contracts/services.ts';
import { api } from '../api.ts';

/** Every live service, for pickers and for naming services in lists; errors go to `onError`. */
export function useServices(onError: (error: unknown) => void): ServiceView[] {
  const [services, setServices] = useState<ServiceView[]>([]);
  useEffect(() => {
    api<ServiceList>('GET', '/api/services').then((s) => setServices(s.items), onError);
  }, [onError]);
  return services;
}
