// panva/node-oidc-provider as a stand-in for a DigiD broker, for the interop test.
// Configuration comes from the environment (set by tests/interop/test_oidc_provider.py).
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['name', 'bsn'] },
  // The development login form's "login" field is taken as the BSN.
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: `person-${id}`, bsn: id, name: process.env.ACCOUNT_NAME || 'Interop Tester' };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
