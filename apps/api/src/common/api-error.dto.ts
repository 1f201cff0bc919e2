import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiProperty,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

export class ApiErrorDetailDto {
  @ApiProperty({ example: 'messages[0].text' }) field: string;
  @ApiProperty({ example: 'must be 1 to 5000 characters' }) problem: string;
}

/** The one error shape every 4xx and 5xx has (common/exception.filter.ts writes it). */
export class ApiErrorResponseDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'messages[0].text: must be 1 to 5000 characters' }) message: string;
  @ApiProperty({ type: [ApiErrorDetailDto], description: 'One entry per problem, naming the field' })
  details: ApiErrorDetailDto[];
}

/**
 * The error answers of the API's conventions, documented on every route of a controller at once
 * (a route's own description of a status, such as send-now's 422, takes precedence).
 */
export function ApiErrorResponses(): ClassDecorator & MethodDecorator {
  const type = ApiErrorResponseDto;
  return applyDecorators(
    ApiBadRequestResponse({ type, description: 'Bad input: `details` names each field and its problem' }),
    ApiUnauthorizedResponse({ type, description: 'No token or session, or a wrong or revoked one' }),
    ApiForbiddenResponse({ type, description: 'Your role or a rule (four eyes) forbids it' }),
    ApiNotFoundResponse({ type, description: 'No such entity' }),
    ApiConflictResponse({ type, description: 'Wrong status for the action, or a stale `version`' }),
    ApiUnprocessableEntityResponse({ type, description: 'A rule of the domain refuses it (e.g. the budget gate)' }),
  );
}
