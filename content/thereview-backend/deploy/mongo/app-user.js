// The API's least-privilege user: readWrite on the service's database only. The official mongo image runs this
// file once, on the first start of an empty volume (/docker-entrypoint-initdb.d), with mongosh connected to
// MONGO_INITDB_DATABASE before authentication is switched on. The password comes from the secret file, not the
// command line. A database created before this file: docs/operations.md, "Accounts".
const fs = require('fs');
const passwordFile = process.env.MONGO_APP_PASSWORD_FILE || '/run/secrets/mongo_app_password';
const password = fs.existsSync(passwordFile) ? fs.readFileSync(passwordFile, 'utf8').trim() : '';
if (password === '') {
  throw new Error(`deploy/mongo/app-user.js: the secret ${passwordFile} is missing or empty (make secrets writes it)`);
}

db.createUser({
  user: `${db.getName()}_app`,
  pwd: password,
  roles: [{ role: 'readWrite', db: db.getName() }],
});
