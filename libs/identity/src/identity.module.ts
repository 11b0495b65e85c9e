import { Global, Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard';
import { TokenVerifier } from './token-verifier';

@Global()
@Module({
  providers: [TokenVerifier, AuthGuard],
  exports: [TokenVerifier, AuthGuard],
})
export class IdentityModule {
  static forRoot(): typeof IdentityModule {
    return IdentityModule;
  }
}
