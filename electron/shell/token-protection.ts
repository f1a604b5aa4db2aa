import type { TokenProtection } from '../../shared/domain';

/** safeStorage's Linux backends (Electron's getSelectedStorageBackend). */
export type LinuxStorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

export interface TokenStorageChoice {
  /** 'keychain-file': safeStorage-encrypted box-token.enc; 'plain-file': box-token, mode 0600. */
  vault: 'keychain-file' | 'plain-file';
  protection: TokenProtection;
}

/**
 * How the box token is kept, and what the settings tell the user about it. On Linux without a
 * Secret Service or KWallet, safeStorage falls back to 'basic_text': it still "encrypts", but with a
 * fixed key, so anyone who can read the file can read the token. That must not pass as a keychain.
 */
export function chooseTokenStorage(options: {
  platform: NodeJS.Platform;
  encryptionAvailable: boolean;
  /** Only asked on Linux. */
  linuxBackend?: LinuxStorageBackend;
}): TokenStorageChoice {
  if (!options.encryptionAvailable) {
    return {
      vault: 'plain-file',
      protection: {
        protectedByKeychain: false,
        detail: 'No system keychain is available: the token is kept in the app data folder in a file only your user can read (mode 0600).',
      },
    };
  }
  if (options.platform === 'linux' && options.linuxBackend !== 'gnome_libsecret' && !options.linuxBackend?.startsWith('kwallet')) {
    return {
      vault: 'keychain-file',
      protection: {
        protectedByKeychain: false,
        detail:
          options.linuxBackend === 'basic_text'
            ? 'No keychain (GNOME Keyring / Secret Service or KWallet) was found, so the token is only obfuscated with a fixed key, not protected by a keychain: anyone who can read your app data folder can recover it. The folder is readable only by your user.'
            : 'Could not tell which keychain protects the token; treat it as readable by anyone who can read your app data folder (readable only by your user).',
      },
    };
  }
  return { vault: 'keychain-file', protection: { protectedByKeychain: true, detail: 'The token is encrypted with your system keychain.' } };
}
