// jest's globalSetup: installs or asks for the commands the tests need (scripts/provision), before any test runs.
import { provision, ProvisionError } from '../../scripts/provision/provision.mjs';
import { requiredFor } from '../../scripts/provision/required-commands.mjs';

export default async function globalSetup() {
  try {
    await provision(requiredFor('tests'));
  } catch (error) {
    // One line, without a stack: the message says what to install.
    if (error instanceof ProvisionError) error.stack = error.message;
    throw error;
  }
}
