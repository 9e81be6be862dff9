// Verifies one Standard Webhooks delivery with the reference TypeScript implementation (the standardwebhooks package),
// independent of our C# signer. Input on stdin: {"secret", "headers": {"webhook-id", ...}, "body"}. Prints the parsed
// payload's type on success; exits 1 with the library's message on failure.
import { Webhook } from "standardwebhooks";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, headers, body } = JSON.parse(input);
try {
  const payload = new Webhook(secret).verify(body, headers);
  console.log(payload.type);
} catch (e) {
  console.error(String(e && e.message || e));
  process.exit(1);
}
