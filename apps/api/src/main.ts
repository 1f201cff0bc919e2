// The service's entry point (`npm start`). See bootstrap/launcher.ts for what it starts.
import { launch } from './bootstrap/launcher';

launch(process.env).catch((error: Error) => {
  console.error(`start failed: ${error.message}`);
  process.exit(1);
});
