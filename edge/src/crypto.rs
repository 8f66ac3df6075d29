//! Randomness and hashing. Randomness and PBKDF2 come from the runtime's
//! WebCrypto (native code, a CSPRNG); token digests use SHA-256.

use charla_shared::ids::hex_digest;
use charla_shared::password::DIGEST_BYTES;
use js_sys::{Array, Uint8Array};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Crypto, CryptoKey, Pbkdf2Params, WorkerGlobalScope};

use crate::error::EdgeResult;

/// `N` bytes from the runtime's cryptographically secure generator.
pub fn random_bytes<const N: usize>() -> EdgeResult<[u8; N]> {
    let mut bytes = [0u8; N];
    web_crypto()?.get_random_values_with_u8_array(&mut bytes)?;
    Ok(bytes)
}

/// The lowercase hex SHA-256 of a secret token: what storage keeps instead
/// of the token.
pub fn token_digest(token: &str) -> String {
    hex_digest(&Sha256::digest(token.as_bytes()))
}

/// PBKDF2-HMAC-SHA256 of a password, [`DIGEST_BYTES`] long.
pub async fn pbkdf2(password: &str, salt: &[u8], iterations: u32) -> EdgeResult<Vec<u8>> {
    let subtle = web_crypto()?.subtle();
    let usages = Array::of1(&"deriveBits".into());
    let key: CryptoKey = JsFuture::from(subtle.import_key_with_str(
        "raw",
        &Uint8Array::from(password.as_bytes()),
        "PBKDF2",
        false,
        &usages,
    )?)
    .await?
    .unchecked_into();
    let params = Pbkdf2Params::new(
        "PBKDF2",
        &"SHA-256".into(),
        iterations,
        &Uint8Array::from(salt),
    );
    let bits =
        JsFuture::from(subtle.derive_bits_with_object(&params, &key, (DIGEST_BYTES * 8) as u32)?)
            .await?;
    Ok(Uint8Array::new(&bits).to_vec())
}

fn web_crypto() -> EdgeResult<Crypto> {
    Ok(js_sys::global()
        .unchecked_into::<WorkerGlobalScope>()
        .crypto()?)
}
