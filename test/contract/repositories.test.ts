import { describe } from 'vitest';
import { alertContract } from './alerts.cases.ts';
import { conversationContract } from './conversations.cases.ts';
import { digestContract } from './digests.cases.ts';
import { messageContract } from './messages.cases.ts';
import { patientContract } from './patients.cases.ts';
import { recordContract } from './records.cases.ts';
import { reminderContract } from './reminders.cases.ts';
import { dynaliteStore, memoryStore, type Store } from './stores.ts';

/**
 * One contract, two stores: every case runs against the DynamoDB adapters on dynalite and
 * against the in-memory repositories the simulation uses, so the two cannot drift apart.
 */
for (const make of [dynaliteStore, memoryStore]) {
  describe(make.name === 'dynaliteStore' ? 'DynamoDB adapters (dynalite)' : 'in-memory repositories', () => {
    const store: Store = make();
    patientContract(store);
    reminderContract(store);
    alertContract(store);
    messageContract(store);
    recordContract(store);
    conversationContract(store);
    digestContract(store);
  });
}
